type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  format?: string;
};

const INDENT = '  ';

/**
 * A JSON Schema written as the TypeScript type a client sees, for people to read:
 * `{ orderId: string; status: "pending" | "accepted"; lines: { name: string }[] }`.
 * @example schemaTypeText({ type: 'array', items: { type: 'integer' } }); // "number[]"
 */
export function schemaTypeText(schema: JsonSchema | null | undefined, depth = 0): string {
  if (!schema) return 'unknown';
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return [...new Set(variants.map((variant) => schemaTypeText(variant, depth)))].join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (type.length > 1) return type.map((one) => schemaTypeText({ ...schema, type: one }, depth)).join(' | ');
  switch (type[0]) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = schemaTypeText(schema.items, depth);
      return /[|&]/.test(item) && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const entries = Object.entries(schema.properties ?? {});
      if (entries.length === 0) {
        const values = typeof schema.additionalProperties === 'object' ? schemaTypeText(schema.additionalProperties, depth) : 'unknown';
        return `Record<string, ${values}>`;
      }
      const required = new Set(schema.required ?? []);
      const inner = INDENT.repeat(depth + 1);
      const fields = entries.map(([name, field]) => `${inner}${name}${required.has(name) ? '' : '?'}: ${schemaTypeText(field, depth + 1)};`);
      return `{\n${fields.join('\n')}\n${INDENT.repeat(depth)}}`;
    }
    default:
      return 'unknown';
  }
}
