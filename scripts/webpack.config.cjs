// The add-in's browser build, following the yo office Excel-Custom-Functions-Shared template:
// one shared-runtime page (taskpane.html) that loads the task pane bundle and the custom
// functions bundle; functions.json generated from JSDoc by custom-functions-metadata; the whole
// of @microsoft/office-js/dist copied (by scripts/build.mjs, outside webpack: 86 MB of files
// webpack would hash for nothing) so office.js is served by our own server (no CDN).
const path = require("node:path");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
const FunctionsLocalePlugin = require("./functions-locale-plugin.cjs");
const { EsbuildPlugin } = require("esbuild-loader");

const root = path.resolve(__dirname, "..");

module.exports = (_env = {}, argv = {}) => {
  const production = argv.mode !== "development";
  return {
    mode: production ? "production" : "development",
    context: root,
    devtool: production ? "source-map" : "eval-source-map",
    target: ["web", "es2020"],
    entry: {
      taskpane: "./taskpane/index.tsx",
      functions: ["./functions/runtime-guard.ts", "./functions/functions.ts"],
    },
    output: {
      path: path.join(root, "dist"),
      filename: "[name].js",
      chunkFilename: "chunks/[name].[contenthash:8].js",
      publicPath: "",
      clean: true,
    },
    resolve: {
      extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
      // ExcelJS's browser build needs no Node built-ins when loaded lazily.
      fallback: { fs: false, path: false, os: false, crypto: false, stream: false },
    },
    module: {
      rules: [
        {
          test: /\.[cm]?tsx?$/,
          exclude: /node_modules/,
          loader: "esbuild-loader",
          options: { target: "es2020", jsx: "automatic" },
        },
      ],
    },
    performance: { hints: false },
    optimization: {
      minimizer: [new EsbuildPlugin({ target: "es2020", legalComments: "external" })],
    },
    plugins: [
      new CustomFunctionsMetadataPlugin({
        output: "functions.json",
        input: "./functions/functions.ts",
      }),
      // functions-sv.json (sv-SE names) from functions.json and the translation table.
      new FunctionsLocalePlugin({
        translations: path.join(root, "functions/translations.sv.json"),
        output: "functions-sv.json",
      }),
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./taskpane/taskpane.html",
        chunks: ["functions", "taskpane"],
        scriptLoading: "defer",
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*.png", to: "assets/[name][ext]" },
          { from: "taskpane/help.html", to: "help.html" },
        ],
      }),
    ],
    stats: "errors-warnings",
  };
};
