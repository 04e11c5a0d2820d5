/** Jest: ts-jest in transpile-only mode (tsc runs separately in `npm run typecheck`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  transform: { "^.+\\.tsx?$": ["ts-jest", { diagnostics: false }] },
  // Raycast's API only exists inside Raycast: tests use an in-memory stand-in.
  moduleNameMapper: { "^@raycast/api$": "<rootDir>/test/raycast/api.ts" },
  testTimeout: 30000,
  maxWorkers: 2,
  setupFiles: ["<rootDir>/test/support/quiet-sdk.js"],
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
  // Fail instead of passing when a filter or a mistake leaves nothing to run.
  passWithNoTests: false,
};
