import { creditCard, iban } from "../../src/pii/detectors/payment.ts";
import { table } from "./helpers.ts";

table(creditCard, [
  { name: "Visa bare", text: "card 4111111111111111 exp", want: ["4111111111111111"] },
  { name: "Visa with spaces", text: "4242 4242 4242 4242", want: ["4242 4242 4242 4242"] },
  { name: "Mastercard with dashes", text: "5555-5555-5555-4444.", want: ["5555-5555-5555-4444"] },
  { name: "Mastercard 2-series", text: "2223003122003222", want: ["2223003122003222"] },
  { name: "Amex 4-6-5", text: "amex 3782 822463 10005", want: ["3782 822463 10005"] },
  { name: "Diners 14 digits", text: "30569309025904", want: ["30569309025904"] },
  { name: "JCB", text: "3530111333300000", want: ["3530111333300000"] },
  { name: "Visa 19 digits", text: "4000000000000000006", want: ["4000000000000000006"] },
  { name: "card then a CVV", text: "4111 1111 1111 1111 123", want: ["4111 1111 1111 1111"] },
  {
    name: "unknown issuer with a card word",
    text: "credit card 060426070011",
    want: ["060426070011"],
  },
  { name: "in JSON", text: '{"number":"6011111111111117"}', want: ["6011111111111117"] },
  { name: "Luhn failure", text: "4111111111111112", want: [] },
  { name: "mixed separators", text: "4111 1111-1111 1111", want: [] },
  { name: "unknown issuer without context", text: "id 7992739871312342", want: [] },
  { name: "millisecond timestamp", text: '"ts": 1700000000004', want: [] },
  { name: "part of a longer digit run", text: "41111111111111110000", want: [] },
  { name: "glued to an identifier", text: "order_4111111111111111 x4111111111111111", want: [] },
  { name: "decimal fraction", text: "0.4111111111111111", want: [] },
  {
    name: "after a token ending in digits (the run starts inside the token)",
    text: "ghp_abc0123456789 4111 1111 1111 1111 ok",
    want: ["4111 1111 1111 1111"],
  },
  {
    name: "before a word glued to its last group",
    text: "4111 1111 1111 1111 1234abc",
    want: ["4111 1111 1111 1111"],
  },
  { name: "glued group then too few digits", text: "id_4111 1111 1111 1111", want: [] },
  { name: "decimal comma before the run", text: "1,4111 1111 1111 1111", want: [] },
  {
    name: "after an SSN in the same run of groups",
    text: "SSN 123-45-6789 4111 1111 1111 1111",
    want: ["4111 1111 1111 1111"],
  },
]);

table(iban, [
  {
    name: "German compact",
    text: "IBAN DE89370400440532013000.",
    want: ["DE89370400440532013000"],
  },
  {
    name: "German spaced",
    text: "DE89 3704 0044 0532 0130 00 is mine",
    want: ["DE89 3704 0044 0532 0130 00"],
  },
  { name: "UK", text: "GB82 WEST 1234 5698 7654 32", want: ["GB82 WEST 1234 5698 7654 32"] },
  { name: "lower case", text: "gb82west12345698765432", want: ["gb82west12345698765432"] },
  { name: "Norway, shortest", text: "NO9386011117947", want: ["NO9386011117947"] },
  { name: "France", text: "FR1420041010050500013M02606", want: ["FR1420041010050500013M02606"] },
  { name: "in JSON", text: '{"iban":"NL91ABNA0417164300"}', want: ["NL91ABNA0417164300"] },
  { name: "bad check digits", text: "DE88370400440532013000", want: [] },
  { name: "wrong length for the country", text: "DE8937040044053201300", want: [] },
  { name: "longer alphanumeric run", text: "DE89370400440532013000X", want: [] },
  { name: "unknown country", text: "ZZ89370400440532013000", want: [] },
  { name: "irregular spacing", text: "DE89 370400440532013000", want: [] },
  { name: "glued to a word", text: "xDE89370400440532013000", want: [] },
  {
    name: "two spaced IBANs back to back",
    text: "DE89 3704 0044 0532 0130 00 DE89 3704 0044 0532 0130 00",
    want: ["DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"],
  },
]);
