/** The web console's sessions (DESIGN §10): `POST /keyward/v1/sessions` and `/keyward/v1/sessions/current`. */
import { Type, type Static } from '@sinclair/typebox';

export const SessionLogin = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 64, description: 'A cloud API key' }),
  secret: Type.String({ minLength: 1, maxLength: 256, description: 'Its secret: sent once, at login' }),
});
export type SessionLogin = Static<typeof SessionLogin>;

export const ConsoleSession = Type.Object({
  principal: Type.String({ description: 'Who the session acts as: the owner of the key it was created with' }),
  csrf_token: Type.String({ description: 'Sent back as `X-CSRF-Token` on every request that changes state' }),
  expires_at: Type.String({ description: 'When the session ends at the latest (12 hours after login); 30 minutes without a request end it sooner' }),
});
export type ConsoleSession = Static<typeof ConsoleSession>;
