import { describe, expect, it } from "vitest";
import { CreateEndpointInput, endpointUrlProblem } from "./schemas.ts";

describe("webhook endpoint inputs", () => {
  it("takes only http(s) addresses without credentials or fragments", () => {
    expect(endpointUrlProblem("https://platform.example/hooks/floodgate")).toBeNull();
    expect(endpointUrlProblem("http://10.0.0.5:8080/hooks")).toBeNull();
    for (const bad of ["ftp://x.example/", "file:///etc/passwd", "gopher://x", "javascript:alert(1)", "https://u:p@x.example/", "https://x.example/#a", "/relative", "x.example"]) {
      expect(endpointUrlProblem(bad), bad).not.toBeNull();
    }
  });

  it("needs a reason, at least one event and a long enough secret when one is given", () => {
    const base = { url: "https://platform.example/h", eventTypes: ["suspension.created"], reason: "platform asked for suspension events" };
    expect(CreateEndpointInput.safeParse(base).success).toBe(true);
    expect(CreateEndpointInput.safeParse({ ...base, eventTypes: [] }).success).toBe(false);
    expect(CreateEndpointInput.safeParse({ ...base, eventTypes: ["nope"] }).success).toBe(false);
    expect(CreateEndpointInput.safeParse({ ...base, secret: "short" }).success).toBe(false);
    expect(CreateEndpointInput.safeParse({ ...base, reason: "" }).success).toBe(false);
  });
});
