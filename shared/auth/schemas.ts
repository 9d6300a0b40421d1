import { z } from "zod";
import { text } from "../schema-blocks.ts";

export const SignInInput = z.object({
  email: text().trim().toLowerCase().email("Enter an email address").max(200),
  password: text().min(1, "Enter your password").max(200),
});
export type SignInInput = z.infer<typeof SignInInput>;
