/** The system routes: health, readiness and `GET /keyward/v1/whoami`. */
import { Type, type Static } from '@sinclair/typebox';

export const Health = Type.Object({ status: Type.String() });
export const Readiness = Type.Object({ status: Type.String(), database: Type.String() });
export type Readiness = Static<typeof Readiness>;

export const WhoAmI = Type.Object({
  principal: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  api_key: Type.String(),
  organization: Type.String(),
  roles: Type.Array(Type.String()),
});
export type WhoAmI = Static<typeof WhoAmI>;
