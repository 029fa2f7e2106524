import { ipAddress } from "../../src/pii/detectors/network.ts";
import { ssn } from "../../src/pii/detectors/ssn.ts";
import { table } from "./helpers.ts";

table(ssn, [
  { name: "dashed", text: "SSN: 123-45-6789.", want: ["123-45-6789"] },
  { name: "spaced", text: "no. 536 22 1234", want: ["536 22 1234"] },
  { name: "bare with context", text: "social security number 536221234", want: ["536221234"] },
  { name: "bare without context", text: "order 536221234", want: [] },
  { name: "mixed separators", text: "123-45 6789", want: [] },
  { name: "area 000", text: "000-12-3456", want: [] },
  { name: "area 666", text: "666-12-3456", want: [] },
  { name: "area 9xx", text: "912-12-3456", want: [] },
  { name: "group 00", text: "123-00-4567", want: [] },
  { name: "serial 0000", text: "123-45-0000", want: [] },
  { name: "part of a longer dashed run", text: "123-45-6789-01 and 9-123-45-6789", want: [] },
  { name: "inside an identifier", text: "id_123-45-6789", want: [] },
]);

table(ipAddress, [
  { name: "IPv4", text: "from 192.168.1.20 via", want: ["192.168.1.20"] },
  { name: "IPv4 with port", text: "http://10.0.0.1:8080/", want: ["10.0.0.1"] },
  {
    name: "IPv4 range edges",
    text: "1.0.0.0 and 223.255.255.254",
    want: ["1.0.0.0", "223.255.255.254"],
  },
  {
    name: "IPv6 full",
    text: "6e40:4041:c617:e898:c11:40d2:c669:2eb4",
    want: ["6e40:4041:c617:e898:c11:40d2:c669:2eb4"],
  },
  {
    name: "IPv6 compressed",
    text: "addr 2001:db8:85a3::8a2e:370:7334.",
    want: ["2001:db8:85a3::8a2e:370:7334"],
  },
  { name: "IPv6 in brackets", text: "[2001:db8::1:2]:443", want: ["2001:db8::1:2"] },
  { name: "IPv6 with embedded IPv4", text: "::ffff:192.0.2.128", want: ["::ffff:192.0.2.128"] },
  { name: "octet out of range", text: "10.0.0.256", want: [] },
  { name: "loopback, any and broadcast", text: "127.0.0.1 0.0.0.0 255.255.255.255", want: [] },
  { name: "leading zeros", text: "010.001.002.003", want: [] },
  { name: "five parts", text: "1.2.3.4.5", want: [] },
  { name: "version-like dotted run", text: "v10.0.0.1", want: [] },
  { name: "time of day", text: "12:30:45", want: [] },
  { name: "double colon alone", text: "a :: b", want: [] },
  { name: "C++ scope", text: "std::vector<int> and Foo::Bar::baz", want: [] },
  { name: "two-group compressed form", text: "dead::beef", want: [] },
  { name: "MAC address", text: "00:1a:2b:3c:4d:5e", want: [] },
]);
