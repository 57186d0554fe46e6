// A required property without an example leaves SDK docs and mock servers guessing.
const hasExample = (schema) =>
  schema !== null &&
  typeof schema === "object" &&
  (schema.example !== undefined ||
    (Array.isArray(schema.examples) && schema.examples.length > 0) ||
    schema.const !== undefined);

module.exports = (schema) => {
  if (!schema || typeof schema !== "object" || !Array.isArray(schema.required)) return [];
  const properties = schema.properties || {};
  return schema.required
    .filter((name) => properties[name] !== undefined && !hasExample(properties[name]))
    .map((name) => ({ message: `required property ${name} has no example`, path: ["properties", name] }));
};
