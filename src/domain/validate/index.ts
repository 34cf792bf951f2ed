export * from "./findings";
export * from "./read";
export * from "./integrity";
export * from "./validate";
