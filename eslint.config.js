// ESLint flat config: typescript-eslint for every package, eslint-plugin-vue for the client.
import js from "@eslint/js";
import pluginVue from "eslint-plugin-vue";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/generated/**",
      "**/.data/**",
      "e2e/artifacts/**",
      "bench/results/**",
      "server/scratch/**",
      "server/.bench-build/**",
      "**/.scratch/**",
      "**/dist-ssr/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs["flat/recommended"],
  {
    files: ["**/*.vue"],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  // Type-aware rules for every package's TypeScript files, the client's included: each file is
  // checked with the types of its own package's tsconfig (the project service finds it). Not for
  // .vue components: each one's script block differs from the file TypeScript reads, so the
  // client's program (server types and all) is rebuilt for every component, about 1.8 s of CPU
  // each, which would make `pnpm lint` four times slower; their promise-handling code lives in
  // the .ts composables and ui/ modules, which are checked.
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error (an unhandled rejection) and its ordering: await
      // it, or mark a deliberate fire-and-forget with `void` and say why.
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's test() returns a promise that its runner awaits (bench's tests).
        { allowForKnownSafeCalls: [{ from: "package", name: ["test", "describe", "it"], package: "node:test" }] },
      ],
      // A promise where a plain value is expected: an async callback a caller does not await
      // (an event listener, forEach), or a promise tested as a condition (always truthy).
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "vue/multi-word-component-names": "off",
      "vue/no-v-html": "error",
      "vue/max-attributes-per-line": "off",
      "vue/singleline-html-element-content-newline": "off",
      "vue/html-self-closing": "off",
    },
  },
);
