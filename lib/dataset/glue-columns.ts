/**
 * Glue (Hive) column types derived from the Article's JSON Schema, so the Athena table cannot drift from
 * the dataset contract. Athena lowercases column and struct field names (its metastore is
 * case-insensitive), and the OpenX JSON SerDe matches JSON keys case-insensitively, so `publishedAt` in
 * the data is the column `publishedat`.
 */

export interface JsonSchemaNode {
  type?: string | string[];
  anyOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  const?: unknown;
  description?: string;
}

export interface GlueColumn {
  name: string;
  type: string;
  comment?: string;
}

/** Glue allows 255 characters in a column comment. */
const GLUE_COMMENT_LIMIT = 255;

/** The one non-null shape of a node: `anyOf: [X, {type: null}]` and `type: [X, "null"]` are a nullable X. */
function nonNullShape(node: JsonSchemaNode, path: string): { node: JsonSchemaNode; type: string } {
  if (node.anyOf !== undefined) {
    const members = node.anyOf.filter((member) => member.type !== 'null');
    if (members.length !== 1) throw new Error(`${path}: a union of ${members.length} non-null types has no Glue column type`);
    return nonNullShape(members[0]!, path);
  }
  const types = (Array.isArray(node.type) ? node.type : [node.type]).filter((type) => type !== 'null');
  if (types.length !== 1 || types[0] === undefined) {
    throw new Error(`${path}: type ${JSON.stringify(node.type)} has no single Glue column type`);
  }
  return { node, type: types[0] };
}

export function glueTypeFor(schemaNode: JsonSchemaNode, path: string): string {
  const { node, type } = nonNullShape(schemaNode, path);
  switch (type) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'bigint';
    case 'number':
      // A constant integer (schemaVersion) is an int; any other number may have a fraction.
      return typeof node.const === 'number' && Number.isInteger(node.const) ? 'int' : 'double';
    case 'array':
      if (node.items === undefined) throw new Error(`${path}: an array without items has no Glue column type`);
      return `array<${glueTypeFor(node.items, `${path}[]`)}>`;
    case 'object': {
      const fields = Object.entries(node.properties ?? {});
      if (fields.length === 0) throw new Error(`${path}: an object without properties has no Glue column type`);
      return `struct<${fields.map(([name, field]) => `${name.toLowerCase()}:${glueTypeFor(field, `${path}.${name}`)}`).join(',')}>`;
    }
    default:
      throw new Error(`${path}: JSON Schema type "${type}" has no Glue column type`);
  }
}

/** One column per top-level property, in the schema's order. */
export function glueColumnsFromJsonSchema(schema: JsonSchemaNode): GlueColumn[] {
  if (schema.properties === undefined) throw new Error('the JSON Schema has no top-level properties');
  return Object.entries(schema.properties).map(([name, property]) => {
    const column: GlueColumn = { name: name.toLowerCase(), type: glueTypeFor(property, name) };
    if (property.description !== undefined) column.comment = property.description.slice(0, GLUE_COMMENT_LIMIT);
    return column;
  });
}
