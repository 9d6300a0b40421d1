// Reference data: Japanese banks a wallet can link to, with their 4-digit Zengin codes, and the
// authentication each bank's web debit-acceptance (link) page asks for.
//
// The codes and names are real. The `authMethod` values are this demo's assumptions, modelled on the
// 2020 incident (several regional banks let a link through with only account number, holder name
// and a 4-digit PIN); they are not a statement about any bank's current practice. `weight` is a
// rough relative size of the bank's retail customer base, used only to size demo traffic.
import type { AuthMethod } from "../../../shared/events/schemas.ts";

export interface ReferenceBank {
  /** 4-digit Zengin bank code */
  code: string;
  /** English name */
  name: string;
  /** Japanese name */
  nameJa: string;
  /** what the bank's link page asks for (demo assumption, see above) */
  authMethod: AuthMethod;
  /** relative size of the retail customer base (demo traffic weight) */
  weight: number;
}

export const REFERENCE_BANKS: readonly ReferenceBank[] = Object.freeze([
  // City banks and Japan Post Bank
  { code: "0001", name: "Mizuho Bank", nameJa: "みずほ銀行", authMethod: "ONLINE_BANKING", weight: 10 },
  { code: "0005", name: "MUFG Bank", nameJa: "三菱UFJ銀行", authMethod: "ONLINE_BANKING", weight: 12 },
  { code: "0009", name: "Sumitomo Mitsui Banking Corporation", nameJa: "三井住友銀行", authMethod: "ONLINE_BANKING", weight: 10 },
  { code: "0010", name: "Resona Bank", nameJa: "りそな銀行", authMethod: "PIN_OTP", weight: 4 },
  { code: "0017", name: "Saitama Resona Bank", nameJa: "埼玉りそな銀行", authMethod: "PIN_OTP", weight: 2.5 },
  { code: "9900", name: "Japan Post Bank", nameJa: "ゆうちょ銀行", authMethod: "PIN_OTP", weight: 13 },
  // Net and other banks
  { code: "0033", name: "PayPay Bank", nameJa: "PayPay銀行", authMethod: "ONLINE_BANKING", weight: 3 },
  { code: "0034", name: "Seven Bank", nameJa: "セブン銀行", authMethod: "CASH_CARD", weight: 1.5 },
  { code: "0035", name: "Sony Bank", nameJa: "ソニー銀行", authMethod: "ONLINE_BANKING", weight: 1.5 },
  { code: "0036", name: "Rakuten Bank", nameJa: "楽天銀行", authMethod: "ONLINE_BANKING", weight: 6 },
  { code: "0038", name: "SBI Sumishin Net Bank", nameJa: "住信SBIネット銀行", authMethod: "ONLINE_BANKING", weight: 4 },
  { code: "0039", name: "au Jibun Bank", nameJa: "auじぶん銀行", authMethod: "ONLINE_BANKING", weight: 2 },
  { code: "0040", name: "AEON Bank", nameJa: "イオン銀行", authMethod: "CASH_CARD", weight: 2 },
  { code: "0310", name: "GMO Aozora Net Bank", nameJa: "GMOあおぞらネット銀行", authMethod: "ONLINE_BANKING", weight: 0.5 },
  { code: "0397", name: "SBI Shinsei Bank", nameJa: "SBI新生銀行", authMethod: "ONLINE_BANKING", weight: 1 },
  { code: "0526", name: "Tokyo Star Bank", nameJa: "東京スター銀行", authMethod: "CASH_CARD", weight: 0.5 },
  // Regional banks
  { code: "0116", name: "Hokkaido Bank", nameJa: "北海道銀行", authMethod: "PIN_OTP", weight: 1.2 },
  { code: "0501", name: "North Pacific Bank", nameJa: "北洋銀行", authMethod: "CASH_CARD", weight: 1.5 },
  { code: "0117", name: "Aomori Michinoku Bank", nameJa: "青森みちのく銀行", authMethod: "PIN_OTP", weight: 0.9 },
  { code: "0119", name: "Akita Bank", nameJa: "秋田銀行", authMethod: "PIN_OTP", weight: 0.6 },
  { code: "0120", name: "Hokuto Bank", nameJa: "北都銀行", authMethod: "PIN", weight: 0.4 },
  { code: "0121", name: "Shonai Bank", nameJa: "荘内銀行", authMethod: "PIN", weight: 0.3 },
  { code: "0122", name: "Yamagata Bank", nameJa: "山形銀行", authMethod: "CASH_CARD", weight: 0.5 },
  { code: "0123", name: "Iwate Bank", nameJa: "岩手銀行", authMethod: "PIN_OTP", weight: 0.6 },
  { code: "0124", name: "Tohoku Bank", nameJa: "東北銀行", authMethod: "PIN", weight: 0.2 },
  { code: "0125", name: "The 77 Bank", nameJa: "七十七銀行", authMethod: "PIN", weight: 1.8 },
  { code: "0126", name: "Toho Bank", nameJa: "東邦銀行", authMethod: "PIN", weight: 0.9 },
  { code: "0128", name: "Gunma Bank", nameJa: "群馬銀行", authMethod: "ONLINE_BANKING", weight: 1.2 },
  { code: "0129", name: "Ashikaga Bank", nameJa: "足利銀行", authMethod: "PIN_OTP", weight: 1 },
  { code: "0130", name: "Joyo Bank", nameJa: "常陽銀行", authMethod: "ONLINE_BANKING", weight: 1.5 },
  { code: "0133", name: "Musashino Bank", nameJa: "武蔵野銀行", authMethod: "PIN_OTP", weight: 0.8 },
  { code: "0134", name: "Chiba Bank", nameJa: "千葉銀行", authMethod: "ONLINE_BANKING", weight: 2.2 },
  { code: "0138", name: "Bank of Yokohama", nameJa: "横浜銀行", authMethod: "ONLINE_BANKING", weight: 2.5 },
  { code: "0143", name: "Hachijuni Bank", nameJa: "八十二銀行", authMethod: "PIN_OTP", weight: 1.3 },
  { code: "0149", name: "Shizuoka Bank", nameJa: "静岡銀行", authMethod: "ONLINE_BANKING", weight: 2 },
  { code: "0152", name: "Ogaki Kyoritsu Bank", nameJa: "大垣共立銀行", authMethod: "PIN", weight: 0.9 },
  { code: "0153", name: "Juroku Bank", nameJa: "十六銀行", authMethod: "PIN_OTP", weight: 1 },
  { code: "0157", name: "Shiga Bank", nameJa: "滋賀銀行", authMethod: "PIN", weight: 0.9 },
  { code: "0158", name: "Bank of Kyoto", nameJa: "京都銀行", authMethod: "PIN_OTP", weight: 1.1 },
  { code: "0168", name: "Chugoku Bank", nameJa: "中国銀行", authMethod: "PIN", weight: 1 },
  { code: "0169", name: "Hiroshima Bank", nameJa: "広島銀行", authMethod: "ONLINE_BANKING", weight: 1.2 },
  { code: "0177", name: "Bank of Fukuoka", nameJa: "福岡銀行", authMethod: "ONLINE_BANKING", weight: 2 },
  { code: "0190", name: "Nishi-Nippon City Bank", nameJa: "西日本シティ銀行", authMethod: "PIN_OTP", weight: 1.2 },
] satisfies ReferenceBank[]);
