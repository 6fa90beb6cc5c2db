/**
 * The timing oracle of issue 8: does verify take longer for a key id that does not exist than for
 * an existing id with a wrong secret? Sequential requests on one kept-alive connection, the two
 * kinds interleaved in random order so that drift of the machine hits both alike; each with its
 * own X-Forwarded-For (the server trusts the bench as a proxy) so the brute-force guard, which
 * would otherwise block the bench's address, never answers instead of verify. Reports the medians
 * and the difference of the medians with a bootstrap 95% confidence interval, in microseconds.
 */
import { randomInt } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { Credentials } from './seed-million.js';

export interface TimingOracleResult {
  samplesPerKind: number;
  unknownIdMedianUs: number;
  wrongSecretMedianUs: number;
  /** unknown − wrong secret: positive when an unknown id is slower. */
  medianDifferenceUs: number;
  medianDifferenceCi95Us: [number, number];
  /** |difference|: what the target bounds. */
  absoluteMedianDifferenceUs: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomKeyId = () => Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
/** Shaped like keyward's secrets (kw_ + 61 alphanumerics), never one of them. */
const randomSecret = () => `kw_${Array.from({ length: 61 }, () => SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)]).join('')}`;

function median(sorted: Float64Array | number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function sortedCopy(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Resamples both series with replacement: the spread of the difference of their medians. */
function bootstrapCi(a: number[], b: number[], rounds = 400): [number, number] {
  const diffs: number[] = [];
  const ra = new Float64Array(a.length);
  const rb = new Float64Array(b.length);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < a.length; i++) ra[i] = a[randomInt(a.length)] as number;
    for (let i = 0; i < b.length; i++) rb[i] = b[randomInt(b.length)] as number;
    diffs.push(median(ra.sort()) - median(rb.sort()));
  }
  diffs.sort((x, y) => x - y);
  return [diffs[Math.floor(rounds * 0.025)] as number, diffs[Math.floor(rounds * 0.975)] as number];
}

export async function measureTimingOracle(url: string, known: Credentials, options: { samples: number; warmup: number }): Promise<TimingOracleResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let client = 0;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      // a fresh client address per request (10.0.0.0/8 has room for every sample)
      const n = client++;
      const forwarded = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const started = process.hrtime.bigint();
      const req = request(
        { host: target.hostname, port: target.port, path: '/keyward/v1/verify', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': forwarded } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const us = Number(process.hrtime.bigint() - started) / 1000;
            if (res.statusCode !== 200 || !text.includes('"INVALID_CREDENTIALS"')) reject(new Error(`verify answered ${res.statusCode} ${text.slice(0, 200)}`));
            else resolve(us);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const wrongSecret = () => JSON.stringify({ key: known.key, secret: randomSecret() });
  const unknownId = () => JSON.stringify({ key: randomKeyId(), secret: randomSecret() });

  try {
    for (let i = 0; i < options.warmup; i++) {
      await post(unknownId());
      await post(wrongSecret());
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      if (randomInt(2) === 0) {
        unknown.push(await post(unknownId()));
        wrong.push(await post(wrongSecret()));
      } else {
        wrong.push(await post(wrongSecret()));
        unknown.push(await post(unknownId()));
      }
    }
    const mu = median(sortedCopy(unknown));
    const mw = median(sortedCopy(wrong));
    const [lo, hi] = bootstrapCi(unknown, wrong);
    const round = (x: number) => Number(x.toFixed(1));
    return {
      samplesPerKind: options.samples,
      unknownIdMedianUs: round(mu),
      wrongSecretMedianUs: round(mw),
      medianDifferenceUs: round(mu - mw),
      medianDifferenceCi95Us: [round(lo), round(hi)],
      absoluteMedianDifferenceUs: round(Math.abs(mu - mw)),
    };
  } finally {
    agent.destroy();
  }
}
