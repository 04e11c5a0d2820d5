import { roleOf } from "../../src/commands/profile-detail";

test.each([
  ["arn:aws:iam::444455556666:role/Deploy", "444455556666 · Deploy"],
  ["arn:aws:iam::444455556666:role/ops/team/TunnelOperator", "444455556666 · TunnelOperator"],
  ["arn:aws-us-gov:iam::111122223333:role/Admin", "111122223333 · Admin"],
  ["not-an-arn", "not-an-arn"],
])("roleOf(%s) is %s", (arn, shown) => {
  expect(roleOf(arn)).toBe(shown);
});
