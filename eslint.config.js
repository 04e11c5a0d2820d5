const { defineConfig } = require("eslint/config");
const raycastConfig = require("@raycast/eslint-config");

module.exports = defineConfig([
  { ignores: ["dist/**", "assets/*.js", "node_modules/**", "raycast-env.d.ts"] },
  ...raycastConfig,
]);
