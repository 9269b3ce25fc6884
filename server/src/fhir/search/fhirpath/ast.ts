import fhirpath from 'fhirpath';

/** A node of the parse tree fhirpath.js builds (its ANTLR grammar, so the syntax is the reference one). */
export interface AstNode {
  type: string;
  text?: string;
  children?: AstNode[];
}

export function parseFhirPath(expression: string): AstNode {
  return fhirpath.parse(expression) as AstNode;
}
