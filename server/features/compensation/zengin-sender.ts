// Who sends the Zengin transfers: the operator's own account at its paying bank, and the client code
// that bank assigned. From the environment (ZENGIN_*), with demo values when unset; parsed with zod
// so a bad value names itself.
import { z } from "zod";
import type { ZenginSender } from "../../../shared/compensation/zengin.ts";

const Sender = z.object({
  ZENGIN_CLIENT_CODE: z.string().regex(/^\d{10}$/, "10 digits").default("0000012345"),
  ZENGIN_CLIENT_NAME: z.string().min(1).max(40).default("ﾌﾗﾂﾄﾞｹﾞ-ﾄ"),
  ZENGIN_BANK_CODE: z.string().regex(/^\d{4}$/, "4 digits").default("0005"),
  ZENGIN_BANK_NAME: z.string().max(15).default(""),
  ZENGIN_BRANCH_CODE: z.string().regex(/^\d{3}$/, "3 digits").default("001"),
  ZENGIN_BRANCH_NAME: z.string().max(15).default(""),
  ZENGIN_ACCOUNT_TYPE: z.enum(["1", "2"]).default("2"),
  ZENGIN_ACCOUNT_NUMBER: z.string().regex(/^\d{7}$/, "7 digits").default("0000001"),
});

export function zenginSender(env: NodeJS.ProcessEnv = process.env): ZenginSender {
  const e = Sender.parse(env);
  return {
    clientCode: e.ZENGIN_CLIENT_CODE,
    clientName: e.ZENGIN_CLIENT_NAME,
    bankCode: e.ZENGIN_BANK_CODE,
    bankName: e.ZENGIN_BANK_NAME,
    branchCode: e.ZENGIN_BRANCH_CODE,
    branchName: e.ZENGIN_BRANCH_NAME,
    accountType: e.ZENGIN_ACCOUNT_TYPE,
    accountNumber: e.ZENGIN_ACCOUNT_NUMBER,
  };
}
