/**
 * What an rpc/encoded message needs beyond its typed values (soap-xsi-types.ts), around the
 * `soap` package, which reads an encoded binding but writes its messages as literal ones: each
 * operation's `encodingStyle` as the WSDL's binding gives it, written on the operation's element;
 * and the prefixes the typed values name, declared on the Envelope.
 */
import type * as soap from 'soap';
import { SOAP11_ENCODING, SOAP12_ENCODING } from './soap-schema-types.js';

/** Each operation's input `encodingStyle` as its binding gives it (the first port binding it wins). */
export function encodingStyles(client: soap.Client): Map<string, string> {
  const styles = new Map<string, string>();
  const bindings = (client.wsdl.definitions as unknown as { bindings?: Record<string, unknown> }).bindings;
  for (const binding of Object.values(bindings ?? {})) {
    // `inputSoap` is the binding's input: the `soap:body` use and encodingStyle.
    const methods = (binding as { methods?: Record<string, { inputSoap?: { encodingStyle?: unknown } }> })
      .methods;
    for (const [name, method] of Object.entries(methods ?? {})) {
      const style = method.inputSoap?.encodingStyle;
      if (!styles.has(name) && typeof style === 'string' && style.trim() !== '')
        styles.set(name, style.trim());
    }
  }
  return styles;
}

/** The encoding an `encodingStyle` names (a list of URIs, most specific first): SOAP 1.2's or 1.1's. */
export function encodingOf(style: string): string {
  const named = style.split(/\s+/u).find((uri) => uri === SOAP11_ENCODING || uri === SOAP12_ENCODING);
  return named ?? SOAP11_ENCODING;
}

/**
 * The prefix the envelope binds a namespace to, declaring it (as `preferred`, or `preferred2`...
 * when that is taken) when it binds none. The package writes these declarations on the Envelope.
 */
export function envelopePrefixes(wsdl: {
  xmlnsInEnvelope: string;
  readonly options: { readonly envelopeKey?: string };
}): (namespace: string, preferred: string) => string {
  return (namespace, preferred) => {
    const declared = [...wsdl.xmlnsInEnvelope.matchAll(/(?:^|\s)xmlns:([\w.-]+)\s*=\s*"([^"]*)"/gu)];
    const bound = declared.find(([, , uri]) => uri === namespace);
    if (bound !== undefined) return bound[1]!;
    // The Envelope itself declares its own prefix and xsi: never rebound.
    const taken = new Set([...declared.map(([, prefix]) => prefix), 'xsi', wsdl.options.envelopeKey]);
    let prefix = preferred;
    for (let n = 2; taken.has(prefix); n++) prefix = `${preferred}${n}`;
    wsdl.xmlnsInEnvelope += ` xmlns:${prefix}="${namespace.replace(/&/gu, '&amp;').replace(/"/gu, '&quot;')}"`;
    return prefix;
  };
}

/**
 * The message with `encodingStyle` on the operation's element, the Body's child: where SOAP 1.2
 * part 1 §5.1.1 allows it (never on the Body), and as SOAP 1.1 §4.1.1 allows it on any element.
 * The package sees an rpc/encoded binding but never says so in the message.
 */
export function withEncodingStyle(xml: string, envelopeKey: string, style: string): string {
  const key = envelopeKey.replace(/[.*+?^$|()[\]{}\\]/gu, '\\$&');
  const operation = new RegExp(`<${key}:Body(?:\\s[^>]*)?>\\s*<[^\\s/>]+`, 'u');
  const attribute = ` ${envelopeKey}:encodingStyle="${style.replace(/&/gu, '&amp;').replace(/"/gu, '&quot;')}"`;
  return xml.replace(operation, (opening) => `${opening}${attribute}`);
}
