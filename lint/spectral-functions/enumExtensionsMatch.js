// x-enum-* lists run parallel to `enum`: a missing or extra entry misnames every code after it.
const EXTENSIONS = ["x-enum-varnames", "x-enum-descriptions", "x-enum-categories"];

module.exports = (schema) => {
  const results = [];
  const size = schema.enum.length;
  for (const key of EXTENSIONS) {
    if (schema[key] === undefined) continue;
    if (!Array.isArray(schema[key]) || schema[key].length !== size) {
      const got = Array.isArray(schema[key]) ? schema[key].length : typeof schema[key];
      results.push({ message: `${key} has ${got} entries, enum has ${size}`, path: [key] });
      continue;
    }
    const blank = schema[key].findIndex((v) => typeof v !== "string" || v.trim() === "");
    if (blank !== -1) results.push({ message: `${key}[${blank}] is empty`, path: [key, blank] });
  }
  const names = schema["x-enum-varnames"];
  if (Array.isArray(names)) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) results.push({ message: `x-enum-varnames repeats ${dup}`, path: ["x-enum-varnames"] });
    const bad = names.find((n) => typeof n === "string" && !/^[A-Z][A-Z0-9_]*$/.test(n));
    if (bad !== undefined) results.push({ message: `x-enum-varnames entry ${bad} is not UPPER_SNAKE`, path: ["x-enum-varnames"] });
  }
  return results;
};
