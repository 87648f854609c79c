/**
 * Default zero-shot prompt templates per dataset kind (CLIP-style prompt ensembles); `{}` is
 * replaced by the class name. Data, so experiments can print, extend or override them.
 */

export type TemplateKind = 'emoji' | 'shapes' | 'mnist' | 'generic';

export const PROMPT_TEMPLATES: Readonly<Record<TemplateKind, readonly string[]>> = {
  emoji: [
    'an emoji of {}',
    'a {} emoji',
    '{}',
    'an emoji of a {}',
    'an icon of {}',
    'a picture of {}',
    'a cartoon {}',
  ],
  shapes: [
    'a {}',
    'a picture of a {}',
    'a {} shape',
    'a drawing of a {}',
    'a small {}',
    'a large {}',
    '{}',
  ],
  mnist: [
    'a handwritten digit {}',
    'a photo of the number {}',
    'the digit {}',
    'a drawing of the number {}',
    '{}',
  ],
  generic: ['a photo of a {}', 'a picture of a {}', '{}'],
};

/** `template` with every `{}` replaced by `className`. */
export function fillTemplate(template: string, className: string): string {
  if (!template.includes('{}')) throw new Error(`fillTemplate: template "${template}" has no {} placeholder`);
  return template.split('{}').join(className);
}

/** All prompts, class-major: `prompts[c * K + k]` is template k filled with class c. */
export function buildPrompts(classNames: readonly string[], templates: readonly string[]): string[] {
  if (templates.length === 0) throw new Error('buildPrompts: templates is empty');
  return classNames.flatMap((name) => templates.map((t) => fillTemplate(t, name)));
}
