import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** An OpenAPI document as a plain object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenApiDocument = Record<string, any>;

/** Checks a document against the OpenAPI schema of its version; resolves with the problems found (none: valid). */
export async function openApiProblems(document: OpenApiDocument): Promise<string[]> {
  const result = await new Validator().validate(structuredClone(document));
  return result.valid ? [] : (result.errors as Array<{ instancePath?: string; message?: string }>).map((e) => `${e.instancePath ?? ''} ${e.message ?? ''}`.trim());
}

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

/** The problems a JSON Schema (draft 2020-12, as in an OpenAPI 3.1 document) finds in a value; none when it matches. */
export function schemaProblems(schema: object, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}

/** The schema of an operation's JSON request body, or of one of its answers, in a document. */
export function operationSchema(document: OpenApiDocument, method: string, path: string, part: 'request' | number): object {
  const operation = document.paths?.[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`no ${method} ${path} in the document`);
  const content = part === 'request' ? operation.requestBody?.content : operation.responses?.[String(part)]?.content;
  const schema = content?.['application/json']?.schema;
  if (!schema) throw new Error(`no JSON schema for ${part === 'request' ? 'the request' : `answer ${part}`} of ${method} ${path}`);
  return schema;
}

/** Routes with no success answer, or a success answer (other than 204) without a schema for its body. */
export function undocumentedAnswers(document: OpenApiDocument): string[] {
  const problems: string[] = [];
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      if (success.length === 0) problems.push(`${method.toUpperCase()} ${path}: no success answer`);
      for (const [status, answer] of success) {
        const described = Object.values(answer.content ?? {}).some((media) => media.schema !== undefined);
        if (status !== '204' && !described) problems.push(`${method.toUpperCase()} ${path} ${status}: no schema`);
      }
    }
  }
  return problems;
}
