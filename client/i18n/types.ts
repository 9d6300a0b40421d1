/** A namespace's strings: nested objects of strings (plural forms as key_one / key_other). */
export interface Catalog {
  [key: string]: string | Catalog;
}
