// Goal: the feature registries are made one way (errorMaker) and any of them may be the first module
// loaded (this file imports two feature registries before shared/errors.ts on purpose); a maker keeps
// its own feature's words for a code two features share, and refuses another feature's code.
import { describe, expect, it } from "vitest";
import { SUSPENSION_ERRORS, suspensionError } from "./suspensions/errors.ts";
import { COMPENSATION_ERRORS, compensationError } from "./compensation/errors.ts";
import { APPROVAL_ERRORS, approvalError } from "./approvals/errors.ts";
import { AppError, allErrorSpecs, errorCodes, errorSpec } from "./errors.ts";
import { ApiError } from "./accounts/schemas.ts";
import type { z } from "zod";

describe("feature error makers", () => {
  it("make AppErrors with the registry's words, or the sentence about the case at hand", () => {
    const plain = suspensionError("UNKNOWN_BANK");
    expect(plain).toBeInstanceOf(AppError);
    expect(plain).toMatchObject({ code: "UNKNOWN_BANK", message: SUSPENSION_ERRORS.UNKNOWN_BANK.message, status: 404 });
    const worded = suspensionError("UNKNOWN_BANK", "There is no bank 9999.", { bankCode: "9999" });
    expect(worded).toMatchObject({ message: "There is no bank 9999.", details: { bankCode: "9999" } });
    // @ts-expect-error a maker takes only its own feature's codes (checked by the compiler, never run)
    const otherFeatures = () => suspensionError("CASE_NOT_FOUND");
    expect(otherFeatures).toBeTypeOf("function");
  });

  it("a code two features share keeps each feature's words and one status", () => {
    expect(compensationError("SELF_APPROVAL_NOT_ALLOWED").message).toBe(COMPENSATION_ERRORS.SELF_APPROVAL_NOT_ALLOWED.message);
    expect(approvalError("SELF_APPROVAL_NOT_ALLOWED").message).toBe(APPROVAL_ERRORS.SELF_APPROVAL_NOT_ALLOWED.message);
    expect(COMPENSATION_ERRORS.SELF_APPROVAL_NOT_ALLOWED.message).not.toBe(APPROVAL_ERRORS.SELF_APPROVAL_NOT_ALLOWED.message);
    expect(errorSpec("SELF_APPROVAL_NOT_ALLOWED")).toMatchObject({ status: 403, trpc: "FORBIDDEN" });
  });

  it("every feature's codes are in the one list, whichever registry loaded first", () => {
    const codes = allErrorSpecs().map((s) => s.code);
    for (const reg of [SUSPENSION_ERRORS, COMPENSATION_ERRORS, APPROVAL_ERRORS]) {
      for (const code of Object.keys(reg)) expect(codes).toContain(code);
    }
    expect(codes).toContain("VALIDATION_FAILED");
  });

  it("the REST error schema takes only codes of the list: a typo fails typecheck and parsing", () => {
    expect(errorCodes()).toEqual(allErrorSpecs().map((s) => s.code));
    expect(ApiError.parse({ code: "UNKNOWN_BANK", message: "No such bank." }).code).toBe("UNKNOWN_BANK");
    expect(ApiError.safeParse({ code: "UNKNOWN_BANKK", message: "No such bank." }).success).toBe(false);
    // @ts-expect-error a misspelt code is not an ErrorCode (checked by the compiler, never run)
    const typo: z.infer<typeof ApiError>["code"] = "VALIDATION_FAILD";
    expect(typo).toBeTypeOf("string");
  });
});
