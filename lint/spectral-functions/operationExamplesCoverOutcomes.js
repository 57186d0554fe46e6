// Each operation shows what success and what failures look like, as named examples of the
// 200 response (the gateway reports failures with HTTP 200 and `rc`).
const isSuccess = (rc) => rc === 0 || rc === "0" || rc === "00";

module.exports = (operation, options) => {
  const minErrors = (options && options.minErrorExamples) || 1;
  const media = operation?.responses?.["200"]?.content?.["application/json"];
  if (!media) return [{ message: "no application/json 200 response", path: ["responses"] }];
  const examples = media.examples || {};
  const values = Object.values(examples).map((e) => e && e.value);
  const rcs = values.filter((v) => v && typeof v === "object" && "rc" in v).map((v) => v.rc);
  const results = [];
  if (!rcs.some(isSuccess)) {
    results.push({ message: "no named success example (rc 0)", path: ["responses", "200"] });
  }
  const errors = new Set(rcs.filter((rc) => !isSuccess(rc)).map(Number));
  if (errors.size < minErrors) {
    results.push({
      message: `${errors.size} named error examples, at least ${minErrors} distinct rc needed`,
      path: ["responses", "200"],
    });
  }
  return results;
};
