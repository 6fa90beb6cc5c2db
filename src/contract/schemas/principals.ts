/** `/iam/v2/users` and `/iam/v2/service-accounts` (Confluent's iam/v2), with keyward's disable and enable. */
import { Type, type Static } from '@sinclair/typebox';
import { ListQuery, Metadata } from './common.js';

export const User = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  email: Type.String(),
  full_name: Type.String(),
  auth_type: Type.String(),
});
export type User = Static<typeof User>;

/** A new user and its first cloud key, whose secret this response alone shows. */
export const CreatedUser = Type.Intersect([User, Type.Object({ api_key: Type.Object({ key: Type.String(), secret: Type.String() }) })]);
export type CreatedUser = Static<typeof CreatedUser>;

export const UserBody = Type.Object({ email: Type.String(), full_name: Type.String() });
export type UserBody = Static<typeof UserBody>;
export const UserPatch = Type.Object({ full_name: Type.Optional(Type.String()) });
export type UserPatch = Static<typeof UserPatch>;

export const ServiceAccount = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Metadata,
  display_name: Type.String(),
  description: Type.String(),
  status: Type.String(),
});
export type ServiceAccount = Static<typeof ServiceAccount>;

export const ServiceAccountBody = Type.Object({ display_name: Type.String(), description: Type.Optional(Type.String()) });
export type ServiceAccountBody = Static<typeof ServiceAccountBody>;
export const ServiceAccountPatch = Type.Object({ description: Type.Optional(Type.String()) });
export type ServiceAccountPatch = Static<typeof ServiceAccountPatch>;
export const ServiceAccountQuery = Type.Composite([ListQuery, Type.Object({ display_name: Type.Optional(Type.String({ maxLength: 64 })) })]);
export type ServiceAccountQuery = Static<typeof ServiceAccountQuery>;
