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
]);
