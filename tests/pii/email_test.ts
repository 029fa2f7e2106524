import { email } from "../../src/pii/detectors/email.ts";
import { table } from "./helpers.ts";

table(email, [
  {
    name: "plain address in prose",
    text: "Write to jane.doe@example.com today.",
    want: ["jane.doe@example.com"],
  },
  {
    name: "upper case and plus tag",
    text: "CC: Ops+Alerts@Example.CO.UK,",
    want: ["Ops+Alerts@Example.CO.UK"],
  },
  {
    name: "subdomains and hyphens",
    text: "<a.b-c@mail.eu-west.corp-example.io>",
    want: ["a.b-c@mail.eu-west.corp-example.io"],
  },
  {
    name: "inside a JSON string",
    text: '{"to":"kim_99@corp.example.org"}',
    want: ["kim_99@corp.example.org"],
  },
  { name: "mailto link", text: "mailto:help@example.net?subject=hi", want: ["help@example.net"] },
  {
    name: "two addresses",
    text: "a@example.com, b@example.org",
    want: ["a@example.com", "b@example.org"],
  },
  {
    name: "sentence dot after the address",
    text: "Mail bob@example.com.",
    want: ["bob@example.com"],
  },
  { name: "unicode local part", text: "josé@example.es", want: ["josé@example.es"] },
  { name: "one-letter TLD is not an address", text: "x@example.c", want: [] },
  { name: "no TLD (localhost)", text: "root@localhost", want: [] },
  { name: "npm package with version", text: "npm:hono@4.13.19 and @scope/pkg", want: [] },
  { name: "decorator and handle", text: "@dataclass class A; ping @alice", want: [] },
  { name: "retina image name", text: "icon@2x.png logo@3x.webp", want: [] },
  { name: "double dot in local part", text: "a..b@example.com", want: [] },
  { name: "TLD glued to more word characters", text: "u@example.com_backup", want: [] },
  { name: "local part longer than 64", text: `${"a".repeat(70)}@example.com`, want: [] },
  {
    name: "decomposed accent (NFD) in the local part",
    text: "jose\u0301@example.es",
    want: ["jose\u0301@example.es"],
  },
]);

const addr = "jane.doe@example.com";
const long =
  "ご不明な点やご質問がございましたら担当者の田中までいつでもお気軽にご連絡くださいませなお担当者の個人用のメールアドレスは";

// Chinese, Japanese and Thai put no space around an address: the local part stops where the
// script changes, so the sentence is neither swallowed by the placeholder nor hides the address.
table(email, [
  { name: "Japanese glued before, long sentence", text: `${long}${addr}です`, want: [addr] },
  { name: "Japanese glued before and after", text: `メールアドレスは${addr}です`, want: [addr] },
  { name: "Japanese with full-width punctuation", text: `連絡先：${addr}。`, want: [addr] },
  { name: "Chinese glued before and after", text: `请发邮件到${addr}联系我们`, want: [addr] },
  {
    name: "Chinese QQ address (digits only)",
    text: `我的邮箱是12345678@qq.com。`,
    want: ["12345678@qq.com"],
  },
  { name: "Korean particle after", text: `메일은${addr}으로 보내세요`, want: [addr] },
  { name: "Thai glued before and after", text: `ติดต่อ${addr}ได้เลยครับ`, want: [addr] },
  { name: "Thai word ending in marks before", text: `ที่${addr}`, want: [addr] },
  { name: "Arabic glued before and after", text: `راسلني${addr}شكرا`, want: [addr] },
  { name: "Cyrillic glued before and after", text: `пишите${addr}пожалуйста`, want: [addr] },
  {
    name: "Latin accents glued to Japanese",
    text: `宛先はjosé@example.esです`,
    want: ["josé@example.es"],
  },
  { name: "RFC 6531 local part alone", text: "用户@example.com", want: ["用户@example.com"] },
  {
    name: "RFC 6531 Cyrillic local part",
    text: "иван.петров@example.ru",
    want: ["иван.петров@example.ru"],
  },
  {
    name: "Cyrillic local part glued to Japanese",
    text: "連絡先はиван@example.ru",
    want: ["иван@example.ru"],
  },
  {
    name: "same-script text before a non-ASCII local part is part of it (cannot be told apart)",
    text: "連絡先は用户@example.com",
    want: ["連絡先は用户@example.com"],
  },
  {
    name: "punctuation joins the local part of either script",
    text: "宛先はjane_doe+x@example.com",
    want: ["jane_doe+x@example.com"],
  },
  { name: "IDN domains are not matched (ASCII domains only)", text: "用户@例子.广告", want: [] },
  {
    name: "64-character local part glued to Japanese",
    text: `アドレスは${"a".repeat(64)}@example.com`,
    want: [`${"a".repeat(64)}@example.com`],
  },
  {
    name: "65-character local part glued to Japanese is a long token, not an address",
    text: `アドレスは${"a".repeat(65)}@example.com`,
    want: [],
  },
  {
    name: "more than 64 characters of Japanese before a short local part",
    text: `${"あ".repeat(100)}${addr}`,
    want: [addr],
  },
  {
    name: "more than 64 characters of one non-Latin script is not a local part",
    text: `${"あ".repeat(65)}@example.com`,
    want: [],
  },
  {
    name: "emoji before the address",
    text: "\u{1F4E7}jane@example.com",
    want: ["jane@example.com"],
  },
]);
