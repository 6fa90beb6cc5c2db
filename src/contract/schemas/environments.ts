/** `/org/v2/environments` (Confluent's org/v2): the environment and its create and update bodies. */
import { Type, type Static } from '@sinclair/typebox';
import { Metadata } from './common.js';

export const Environment = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  display_name: Type.String(),
  stage: Type.String(),
});
export type Environment = Static<typeof Environment>;

export const EnvironmentBody = Type.Object({ display_name: Type.String(), stage: Type.Optional(Type.String()) });
export type EnvironmentBody = Static<typeof EnvironmentBody>;

export const EnvironmentPatch = Type.Object({ display_name: Type.Optional(Type.String()), stage: Type.Optional(Type.String()) });
export type EnvironmentPatch = Static<typeof EnvironmentPatch>;
