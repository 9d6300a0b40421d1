import { z } from "zod";

export const SignInInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter an email address").max(200),
  password: z.string().min(1, "Enter your password").max(200),
});
export type SignInInput = z.infer<typeof SignInInput>;
