// Writes test/vectors/kafka-decisions.json from keyward's own authorizer and key check (`npm run vectors`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VECTORS_PATH, generateDecisionVectors, serializeDecisionVectors } from '../dist/src/domain/kafka/decision-vectors.js';

const target = fileURLToPath(new URL(`../${VECTORS_PATH}`, import.meta.url));
const vectors = generateDecisionVectors();
const text = serializeDecisionVectors(vectors);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, text);
const requests = vectors.authorizations.reduce((sum, scenario) => sum + scenario.requests.length, 0);
console.log(`${VECTORS_PATH}: ${vectors.authorizations.length} scenarios, ${requests} requests, ${vectors.logins.length} logins, ${text.length} bytes`);
