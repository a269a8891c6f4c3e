// Tests read JSON bodies loosely; the lib types say unknown, which would bury every assertion in casts.
declare global {
  interface Body {
    json(): Promise<any>;
  }
  interface Response {
    json(): Promise<any>;
  }
}
export {};
