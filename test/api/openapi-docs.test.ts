import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createSqliteDir } from '../helpers/databases.js';
import { startHarness, type ApiHarness } from './support.js';
import { FORM_TYPE, exampleOf, operations, requestUrl, type OpenApiDocument, type Operation } from './openapi-sweep.js';
import { EXAMPLE_ORGANIZATION } from '../../src/server/operation-docs.js';

/**
 * `/docs` is usable (issue 12): every operation of `/openapi.json` has a summary and a description,
 * and every operation that takes a body documents an example that fits its schema and that the real
 * route takes as it is (it may answer 404 or 409: the example's ids name nothing on a fresh server).
 */

/** What the example may be answered with: anything but a refusal of the body itself. */
const BODY_REFUSED = new Set([400, 413, 415, 422]);

describe('the OpenAPI document describes every operation', () => {
  let h: ApiHarness;
  let all: Operation[];
  beforeAll(async () => {
    h = await startHarness(await createSqliteDir());
    const res = await h.call({ method: 'GET', url: '/openapi.json', auth: null });
    expect(res.statusCode).toBe(200);
    all = operations(res.json() as OpenApiDocument);
  });
  afterAll(async () => h?.close());

  it('gives every operation a summary and a description', () => {
    expect(all.length).toBeGreaterThan(60);
    for (const op of all) {
      expect(op.summary?.trim(), `${op.name} has no summary`).toBeTruthy();
      expect(op.description?.trim(), `${op.name} has no description`).toBeTruthy();
      expect(op.description, op.name).not.toBe(op.summary);
    }
    expect(new Set(all.map((op) => op.summary)).size, 'summaries are told apart').toBe(all.length);
  });

  it('documents an example for every body, valid against the body schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const withBodies = all.filter((op) => op.body !== undefined);
    expect(withBodies.length).toBeGreaterThanOrEqual(20);
    for (const op of withBodies) {
      for (const [type, media] of Object.entries(op.body!)) {
        const example = exampleOf(media);
        expect(example, `${op.name} (${type}) has no example body`).toBeDefined();
        const validate = ajv.compile(media.schema);
        expect(validate(example), `${op.name} (${type}): ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });

  it('documents response examples that fit their schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    let checked = 0;
    for (const op of all) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        for (const media of Object.values(response.content ?? {})) {
          const example = exampleOf(media);
          if (example === undefined) continue;
          const validate = ajv.compile(media.schema);
          expect(validate(example), `${op.name} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
          checked++;
        }
      }
    }
    // the API key usage route and the ones the docs table gives an answer
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('does not tell the server\'s organization id to a caller without credentials', async () => {
    const res = await h.call({ method: 'GET', url: '/openapi.json', auth: null });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(h.admin.organization);
    expect(res.body).toContain(EXAMPLE_ORGANIZATION);
  });

  it('sends every example body to its route and is not refused for the body', async () => {
    const answers: string[] = [];
    for (const op of all.filter((o) => o.body !== undefined)) {
      for (const [type, media] of Object.entries(op.body!)) {
        // the documents' organization is a placeholder (they are public): here, the server's own
        const example = JSON.parse(JSON.stringify(exampleOf(media)).replaceAll(EXAMPLE_ORGANIZATION, h.admin.organization)) as unknown;
        const payload = type === FORM_TYPE ? new URLSearchParams(example as Record<string, string>).toString() : (example as object);
        const res = await h.call({ method: op.method as 'POST', url: requestUrl(op.path), headers: { 'content-type': type }, payload });
        answers.push(`${op.name} -> ${res.statusCode}`);
        expect(BODY_REFUSED.has(res.statusCode) || res.statusCode >= 500, `${op.name} (${type}) -> ${res.statusCode}: ${res.body}`).toBe(false);
      }
    }
    // most examples do what they say on a fresh server; the rest name ids that do not exist there
    expect(answers.filter((a) => / -> 2\d\d$/.test(a)).length, answers.join('\n')).toBeGreaterThanOrEqual(5);
  });
});
