/**
 * The failure flood's sender, in a worker thread so that handling its answers never delays the
 * measured client's in the main thread. Paced verify requests that fail authentication, from a few
 * client addresses (X-Forwarded-For; the server trusts the bench as its proxy): every other one
 * an id that does not exist, the others an existing key id with a wrong secret. Posts its
 * PacedResult and ends.
 */
import { randomInt } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { pacedLoad, requestBytes } from './paced-load.js';

export interface FloodSettings {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  /** The attacking client addresses, cycled over. */
  addresses: string[];
  /** An existing key id, presented with wrong secrets. */
  knownKey: string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const random = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** 4,096 distinct requests, cycled over (building one per send would cost the sender more than the server). */
function floodRequests(settings: FloodSettings): Buffer[] {
  const host = new URL(settings.url).host;
  return Array.from({ length: 4096 }, (_, i) => {
    // every address sends both kinds
    const key = Math.floor(i / settings.addresses.length) % 2 === 0 ? random(ID_ALPHABET, 16) : settings.knownKey;
    return requestBytes(host, {
      method: 'POST',
      path: '/keyward/v1/verify',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': settings.addresses[i % settings.addresses.length] as string },
      body: JSON.stringify({ key, secret: `kw_${random(SECRET_ALPHABET, 61)}` }),
    });
  });
}

const settings = workerData as FloodSettings;
const requests = floodRequests(settings);
parentPort?.postMessage({ started: true });
const result = await pacedLoad({
  url: settings.url,
  rate: settings.rate,
  seconds: settings.seconds,
  connections: settings.connections,
  request: (i) => requests[i % requests.length] as Buffer,
  // an authentication failure (200, valid false) or the guard's refusal (429): never a success
  check: (r) => (r.status === 200 && r.body.startsWith('{"valid":false')) || r.status === 429,
});
parentPort?.postMessage({ result });
