// The article editor under the Content-Security-Policy. Tiptap, inside the
// editor, adds a <style> element of its own, which the policy refuses unless
// it carries the page's nonce. The admin renders the editor's import map with
// that nonce: read it there and hand it to Tiptap before it adds the style.
import { Extension } from "django-prose-editor/editor";

export const StyleNonce = Extension.create({
  name: "styleNonce",

  onBeforeCreate() {
    const script = document.querySelector("script[nonce]");
    if (script && script.nonce) {
      this.editor.options.injectNonce = script.nonce;
    }
  },
});
