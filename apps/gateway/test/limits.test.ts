import { parse, specifiedRules, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { MAX_COST, MAX_TOKENS, operationLimitsRule } from "../src/graphql/limits.js";
import { buildSchema } from "../src/graphql/schema.js";
import { MAX_PAGE_SIZE } from "../src/resolvers/queries.js";

const schema = buildSchema();
const rules = [...specifiedRules, operationLimitsRule({ maxDepth: 8, maxFields: 200, maxCost: MAX_COST, maxPageSize: MAX_PAGE_SIZE })];

function errorsOf(document: string): string[] {
  return validate(schema, parse(document, { maxTokens: MAX_TOKENS }), rules).map((error) => error.message);
}

/** n fragments, each spreading the one below twice: 2^n fields if each spread were measured again. */
function fanOut(levels: number): string {
  const fragments = [`fragment F0 on Video { id __typename }`];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Video { ...F${i - 1} ... on Video { ...F${i - 1} } }`);
  return `{ video(id: "x") { ...F${levels} } } ${fragments.join(" ")}`;
}

describe("operation limits", () => {
  it("refuses a fragment fan-out by its field count, measuring each fragment once", () => {
    const started = performance.now();
    const errors = errorsOf(fanOut(30));
    // Time is logged, not asserted: 2^30 fields measured one spread at a time would take hours.
    console.info(`fragment fan-out n=30 validated in ${(performance.now() - started).toFixed(1)} ms`);
    expect(errors).toContainEqual(`the query selects ${2 ** 31 + 1} fields; the limit is 200`);
  });

  it("counts __typename, so a document of only __typename is bounded too", () => {
    const aliases = Array.from({ length: 300 }, (_, i) => `t${i}: __typename`).join(" ");
    expect(errorsOf(`{ ${aliases} }`)).toContainEqual("the query selects 300 fields; the limit is 200");
  });

  it("refuses alias amplification of a paginated list by its cost", () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: videos(first: 100) { edges { node { history { to } } } }`).join(" ");
    const errors = errorsOf(`{ ${aliases} }`);
    expect(errors).toContainEqual(expect.stringMatching(/^the query would resolve about 52040 fields .*the limit is 5000/));
    // One page of the same stays within the budget.
    expect(errorsOf(`{ videos(first: 100) { edges { node { history { to } } } } }`)).toEqual([]);
  });

  it("counts a page size given as a variable as the largest page", () => {
    const page = (first: string) =>
      `query($n: Int = 10) { n: videos(first: $n) { pageInfo { hasNextPage } } a: videos(first: ${first}) { edges { node { history { to at detail } } } } b: videos(first: ${first}) { edges { node { history { to at detail } } } } }`;
    expect(errorsOf(page("10"))).toEqual([]);
    expect(errorsOf(page("$n"))).toContainEqual(expect.stringMatching(/^the query would resolve about/));
  });

  it("allows one planVideo per operation, however it is spelt (aliases, fragments)", () => {
    const plan = (alias: string) => `${alias}: planVideo(input: { sourceUrl: "https://example.com/a.mp4" }) { verdict }`;
    expect(errorsOf(`{ ${plan("a")} }`)).toEqual([]);
    const refused = "the query asks for Query.planVideo 2 times; it may be asked once per operation";
    expect(errorsOf(`{ ${plan("a")} ${plan("b")} }`)).toContainEqual(refused);
    expect(errorsOf(`{ ${plan("a")} ...P } fragment P on Query { ${plan("b")} }`)).toContainEqual(refused);
  });

  it("lets the web app's library page of 100 videos through", () => {
    const library = `query Library($first: Int, $after: String) {
      videos(first: $first, after: $after) { edges { node { ...S } } pageInfo { hasNextPage endCursor } }
    }
    fragment S on Video { id title status progress durationSeconds width height error { code message } renditions { name width height bandwidth } createdAt updatedAt }`;
    expect(errorsOf(library)).toEqual([]);
  });

  it("stops parsing a document past the token limit", () => {
    const aliases = Array.from({ length: MAX_TOKENS }, (_, i) => `t${i}: __typename`).join(" ");
    expect(() => parse(`{ ${aliases} }`, { maxTokens: MAX_TOKENS })).toThrow(/Document contains more that 5000 tokens/);
  });
});
