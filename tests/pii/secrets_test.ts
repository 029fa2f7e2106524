import { tokenLike } from "../../src/pii/detectors/secrets.ts";
import { table } from "./helpers.ts";

// Fake credentials with the real shapes (lengths, alphabets, prefixes) of each issuer.
const KEYS = {
  anthropic:
    "sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYAA",
  anthropicAdmin:
    "sk-ant-admin01-Y_kv5ZJr3J1TWDtkwtDDb-xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po-799NksnRH9ucAUsdMlHUvTCQCyEAA",
  openaiProject:
    "sk-proj-ZDz_TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY-uCu3ZR1zTOlUcR64cXQLioDnkHIf",
  openaiService:
    "sk-svcacct-xIq2HZt_PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIScGebcy8F5n3_YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQW",
  openaiAdmin:
    "sk-admin-k8JzFalHlsZfYcMMDktXP_tKsf2rcDkdfrUnW5gcF-Ha6ili8GjHEAD6_Wj9KfzjsQGMrb9h-ImB-LK777pzNk8cL6j5IXAAjlsH",
  openaiLegacy: "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",
  aws: "AKIAZHMASQXEZYEX1RDR",
  awsTemporary: "ASIAGDSJPR16UMX1BZ99",
  github: "ghp_nUfd7UACNWiP3sFd67JikEAvstqVVPqzPptE",
  githubApp: "ghs_m4bV3AyAVHnyrvWdFrK9xiRGHOY32nfr5pyz",
  githubFineGrained:
    "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",
  slack: "xoxb-378383064003-7614365370565-RzmaZsV2GenFmtX0moDoqW4s",
  slackApp:
    "xapp-1-AG5LO50DJZD-3092600267511-5a65e19cbae530282bd36cb9d21f6be6abf0d7c1c1e21862ab8a18a8902073fe",
  google: "AIzaXG3_q_xbMtEPO6UkzYuF0ie9Pu2njHkAm1_",
  stripe:
    "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",
  stripeRestricted: "rk_live_51cxvjcnqcMUP6n0a0uARxlNtencYFJEeAgYzQJjOI",
  stripePublishable: "pk_live_51fPkzSrAsQtA9dtVK4wAAb3XZxPmzUzn8aB5kBh0f",
  jwt:
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
};

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n" +
  "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n-----END RSA PRIVATE KEY-----";

table(tokenLike, [
  ...Object.entries(KEYS).map(([name, key]) => ({
    name: `${name} key in a header`,
    text: `Authorization: Bearer ${key}\n`,
    want: [key],
  })),
  ...Object.entries(KEYS).map(([name, key]) => ({
    name: `${name} key in a JSON string`,
    text: `{"api_key":"${key}","n":1}`,
    want: [key],
  })),
  { name: "PEM private key block", text: `key:\n${PEM}\nrest`, want: [PEM] },
  {
    name: "OpenSSH private key",
    text:
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----",
    want: [
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----",
    ],
  },
  {
    name: "unterminated PEM block runs to the end",
    text: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    want: ["-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"],
  },
  { name: "original gateway rule", text: "token pat_ab12cd34ef", want: ["pat_ab12cd34ef"] },
  {
    name: "original rule: Stripe test key",
    text: "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    want: ["sk_test_4eC39HqLyjWDarjtT1zdp7dc"],
  },
  // Negatives.
  {
    name: "public key block",
    text: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqh\n-----END PUBLIC KEY-----",
    want: [],
  },
  {
    name: "identifier with a key-like prefix and no digit",
    text: "pk_users_email rk_primary_key",
    want: [],
  },
  { name: "prefix glued to a word", text: "task_12345678 disk-" + "a".repeat(48), want: [] },
  { name: "short sk- strings", text: "sk-1234 sk-ant-short", want: [] },
  { name: "AWS id too long", text: "AKIAZHMASQXEZYEX1RDRX", want: [] },
  { name: "GitHub token too short", text: "ghp_abc", want: [] },
  { name: "lone base64 JSON", text: "eyJhbGciOiJIUzI1NiJ9 and eyJ.eyJ.x", want: [] },
  {
    name: "ids of ordinary traffic",
    text: "chatcmpl-AbC123 toolu_01A09q90qw90lq917835lq9 msg_01XFDUDYJgAACzvnptvVoYEL",
    want: [],
  },
]);
