/**
 * A strict reader of the XML subset JUnit reports use (a declaration, elements, attributes, text,
 * entities), for tests: it throws on anything not well-formed (mismatched or unclosed tags, a bare `<` or
 * `&`, unknown entities, duplicate attributes, text outside the root). No dependency is installed for XML.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_][\w.-]*/y;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function readXml(source: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${at}: ${why}`);
  };
  const skipSpace = () => {
    while (at < source.length && " \t\r\n".includes(source[at] as string)) at += 1;
  };
  const expect = (text: string) => {
    if (!source.startsWith(text, at)) fail(`expected ${JSON.stringify(text)}`);
    at += text.length;
  };
  const name = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    if (!match) return fail("expected a name");
    at += match[0].length;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);/g, (_all, entity: string) => {
      if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
      return ENTITIES[entity] ?? fail(`unknown entity &${entity};`);
    });
  const checkText = (raw: string) => {
    if (raw.includes("<")) fail("a bare <");
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/.test(raw)) fail("a bare &");
  };
  const element = (): XmlElement => {
    expect("<");
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith("/>", at)) {
        at += 2;
        return { name: tag, attributes, children: [], text: "" };
      }
      if (source[at] === ">") break;
      const attribute = name();
      if (Object.hasOwn(attributes, attribute)) fail(`attribute ${attribute} given twice`);
      expect('="');
      const end = source.indexOf('"', at);
      if (end < 0) fail("unterminated attribute");
      const raw = source.slice(at, end);
      checkText(raw);
      attributes[attribute] = decode(raw);
      at = end + 1;
    }
    at += 1;
    const children: XmlElement[] = [];
    let text = "";
    for (;;) {
      const next = source.indexOf("<", at);
      if (next < 0) fail(`<${tag}> is never closed`);
      const raw = source.slice(at, next);
      checkText(raw);
      text += decode(raw);
      at = next;
      if (source.startsWith("</", at)) {
        at += 2;
        if (name() !== tag) fail(`</…> does not close <${tag}>`);
        skipSpace();
        expect(">");
        return { name: tag, attributes, children, text };
      }
      children.push(element());
    }
  };
  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0) fail("unterminated declaration");
    at = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== source.length) fail("content after the root element");
  return root;
}
