/**
 * The few browser globals the tests' page functions (`page.evaluate`, `waitForFunction`) use, typed
 * here because the test build has no DOM library. Inside a page function:
 * `const { document } = globalThis as unknown as PageGlobals;`.
 */

export interface PageElement {
  readonly id: string;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly innerText: string;
  readonly lang: string;
  readonly dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
}

export interface PageInput extends PageElement {
  readonly value: string;
}

export interface PageGlobals {
  document: {
    readonly documentElement: PageElement;
    readonly body: PageElement | null;
    readonly activeElement: PageElement | null;
    readonly styleSheets: { readonly length: number };
    getElementById(id: string): PageElement | null;
    querySelector(selector: string): PageElement | null;
  };
  location: { readonly origin: string };
  axe?: { run(context: unknown, options: unknown): Promise<unknown> };
}
