import { describe, expect, it } from "vitest";
import { masterVariantOrder } from "../src/hls-playlists.js";

describe("masterVariantOrder", () => {
  it("lists a middle rung first, then the others smallest first", () => {
    expect(masterVariantOrder(["240p", "360p", "480p", "720p"])).toEqual(["480p", "240p", "360p", "720p"]);
    expect(masterVariantOrder(["240p", "360p", "480p", "720p", "1080p"])).toEqual(["480p", "240p", "360p", "720p", "1080p"]);
    expect(masterVariantOrder(["240p", "360p", "480p"])).toEqual(["360p", "240p", "480p"]);
  });

  it("never starts at the lowest rung when there is a higher one", () => {
    expect(masterVariantOrder(["240p", "360p"])).toEqual(["360p", "240p"]);
    expect(masterVariantOrder(["240p"])).toEqual(["240p"]);
    expect(masterVariantOrder([])).toEqual([]);
  });
});
