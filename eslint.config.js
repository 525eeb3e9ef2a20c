import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/bcu/**/*.ts"],
    rules: {
      // The BCU core is pure: time is passed in, never read.
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: "src/bcu is pure: pass time in",
        },
        { selector: "NewExpression[callee.name='Date']", message: "src/bcu is pure: pass time in" },
        {
          selector: "CallExpression[callee.name=/^set(Timeout|Interval|Immediate)$/]",
          message: "src/bcu is pure: no timers",
        },
      ],
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "fs", "net", "better-sqlite3", "node-opcua", "socketcan", "jsmodbus", "modbus-serial"] },
      ],
    },
  },
);
