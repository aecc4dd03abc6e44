import { describe, expect, it } from "vitest";
import { createBatchLoader } from "../../src/lib/batch-loader.ts";

describe("createBatchLoader", () => {
  it("runs the calls made in one turn as one batch, answering each call with its own result", async () => {
    const batches: number[][] = [];
    const double = createBatchLoader(async (keys: readonly number[]) => {
      batches.push([...keys]);
      return keys.map((k) => k * 2);
    });
    expect(await Promise.all([1, 2, 3, 2].map(double))).toEqual([2, 4, 6, 4]);
    expect(batches).toEqual([[1, 2, 3, 2]]); // nothing cached: the repeated key is run again
  });

  it("starts a new batch for calls made after the previous one was sent", async () => {
    const batches: string[][] = [];
    const echo = createBatchLoader(async (keys: readonly string[]) => {
      batches.push([...keys]);
      return [...keys];
    });
    expect(await echo("a")).toBe("a");
    expect(await Promise.all([echo("b"), echo("c")])).toEqual(["b", "c"]);
    expect(batches).toEqual([["a"], ["b", "c"]]);
  });

  it("splits a batch at maxBatchSize", async () => {
    const sizes: number[] = [];
    const id = createBatchLoader(
      async (keys: readonly number[]) => {
        sizes.push(keys.length);
        return [...keys];
      },
      { maxBatchSize: 3 },
    );
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map(id));
    expect(sizes).toEqual([3, 3, 1]);
  });

  it("a failed batch is run again key by key: a bad key fails alone, the others are answered", async () => {
    const batches: number[][] = [];
    const run = createBatchLoader(async (keys: readonly number[]) => {
      batches.push([...keys]);
      if (keys.includes(13)) throw new Error("refused by the database");
      return [...keys];
    });
    const results = await Promise.allSettled([run(1), run(13), run(2)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(batches).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it("when everything fails (the database is down) every call fails, and the next batch runs as usual", async () => {
    let fail = true;
    const run = createBatchLoader(async (keys: readonly number[]) => {
      if (fail) throw new Error("database down");
      return [...keys];
    });
    const results = await Promise.allSettled([run(1), run(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await run(3)).toBe(3);
  });
});
