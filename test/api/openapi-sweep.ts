/**
 * Reading `/openapi.json` for the sweeps over every operation (unknown-fields.test.ts,
 * openapi-docs.test.ts): the operations, the media types of their bodies with the example each
 * documents, and a request URL with every path parameter filled in.
 */

export type JsonSchema = { [keyword: string]: unknown };

export interface MediaType {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

export interface Operation {
  /** `POST /iam/v2/api-keys/{id}`, as the document spells the path. */
  name: string;
  method: string;
  path: string;
  summary?: string;
  description?: string;
  body?: Record<string, MediaType>;
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { summary?: string; description?: string; requestBody?: { content: Record<string, MediaType> }; responses?: Operation['responses'] }>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function operations(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary,
        description: op.description,
        body: op.requestBody?.content,
        responses: op.responses,
      })),
  );
}

/** The example a media type documents: `example`, the first of `examples`, or the schema's own. */
export function exampleOf(media: MediaType): unknown {
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  if (first !== undefined) return first.value;
  return Array.isArray(media.schema.examples) ? media.schema.examples[0] : undefined;
}

/** Path parameters filled with ids shaped like real ones (`{id}` of a key route gets a key id, and so on). */
export function requestUrl(path: string): string {
  return path.replace(/\{([a-z_]+)\}/g, (_all, name: string) => {
    if (name === 'cluster_id' || path.includes('/clusters/{id}')) return 'lkc-3xw9pd';
    if (path.includes('api-keys')) return 'HX4TGZ7QK2M9PRWA';
    if (path.includes('service-accounts')) return 'sa-9wt4hq';
    if (path.includes('users')) return 'u-4nd8rc';
    if (path.includes('environments')) return 'env-7kq2mz';
    if (path.includes('role-bindings')) return 'rb-2mf6ks';
    return 'x1';
  });
}

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';
