// A suggestion that arrives while the user is in the field (the default registry's probe answering late) must not
// touch the text under their cursor: CI caught the typed reference becoming "<suggestion><typed>" when the probe
// landed between Playwright's select-all and its insert. Mounted with Svelte's client runtime in happy-dom.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, expect, it } from 'vitest';
import ReferenceField from '../../src/ui/registry/ReferenceField.svelte';

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
});

function setup() {
  const props = $state({ value: '', typed: [] as string[] });
  mounted = mount(ReferenceField, {
    target: document.body,
    props: {
      label: 'Push to reference',
      placeholder: 'registry/repo:tag',
      get value() {
        return props.value;
      },
      oninput: (text: string) => {
        props.typed.push(text);
        props.value = text;
      },
    },
  });
  flushSync();
  return { props, input: document.querySelector('input')! };
}

it('shows a suggestion that arrives before the user comes to the field', () => {
  const { props, input } = setup();
  props.value = '127.0.0.1:5000/policies/p:latest';
  flushSync();
  expect(input.value).toBe('127.0.0.1:5000/policies/p:latest');
});

it('keeps the text still while focused, and follows the suggestion again after blur', () => {
  const { props, input } = setup();
  input.dispatchEvent(new FocusEvent('focus'));
  flushSync();
  props.value = '127.0.0.1:5000/policies/p:latest'; // the probe answers now
  flushSync();
  expect(input.value).toBe('');
  input.dispatchEvent(new FocusEvent('blur'));
  flushSync();
  expect(input.value).toBe('127.0.0.1:5000/policies/p:latest');
});

it('what the user types while a suggestion lands is what the field and the state hold', () => {
  const { props, input } = setup();
  input.dispatchEvent(new FocusEvent('focus'));
  input.value = 'ghcr.io/me/mine:v1';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
  expect(props.typed).toEqual(['ghcr.io/me/mine:v1']);
  input.dispatchEvent(new FocusEvent('blur'));
  flushSync();
  expect(input.value).toBe('ghcr.io/me/mine:v1');
});
