/**
 * Runs before every test file. testing-library's waitFor gives up after 1 s by default; on a
 * busy 2-core CI machine a React update can take longer without anything being wrong.
 */
import { configure } from "@testing-library/dom";

configure({ asyncUtilTimeout: 5000 });
