import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { ref } from "vue";
import { z } from "zod";
import { reasonDialog } from "./reason-dialog.ts";

const schema = z.strictObject({ id: z.string(), reason: z.string().trim().min(3, "Say why in a few words").max(20) });

function dialogWith(run: (input: z.output<typeof schema>, subject: { id: string; name: string }) => Promise<void>) {
  return reasonDialog({
    name: "TestDialog",
    schema,
    subjectId: (s: { id: string; name: string }) => s.id,
    title: (s) => `Suspend “${s.name}”?`,
    description: "It stops selling.",
    hint: "3 to 20 characters.",
    maxlength: 20,
    confirmLabel: (s) => `Suspend “${s.name}”`,
    useAction: () => ({ isPending: ref(false), run }),
    formId: "test-reason-form",
    testIds: { form: "reason-form", confirm: "confirm" },
  });
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("a dialog that needs a reason (reasonDialog)", () => {
  it("opens for its subject, checks the reason with the schema, runs the action with the subject's id, then closes", async () => {
    const runs: unknown[] = [];
    const Dialog = dialogWith(async (input, subject) => {
      runs.push([input, subject.name]);
    });
    const wrapper = mount(Dialog, { props: { subject: null }, attachTo: document.body });
    expect(document.body.textContent).not.toContain("Suspend");

    await wrapper.setProps({ subject: { id: "s1", name: "Mugs & More" } });
    expect(document.body.textContent).toContain("Suspend “Mugs & More”?");

    const form = wrapper.find('[data-testid="reason-form"]');
    await form.find("textarea").setValue("no");
    await form.trigger("submit");
    await flushPromises();
    expect(runs).toEqual([]);
    expect(document.body.textContent).toContain("Say why in a few words");

    await form.find("textarea").setValue("  Counterfeits ");
    await form.trigger("submit");
    await flushPromises();
    expect(runs).toEqual([[{ id: "s1", reason: "Counterfeits" }, "Mugs & More"]]);
    expect(wrapper.emitted("close")).toHaveLength(1);
  });

  it("stays open and shows the action's error when it fails", async () => {
    const Dialog = dialogWith(async () => {
      throw new Error("boom");
    });
    const wrapper = mount(Dialog, { props: { subject: { id: "s1", name: "Teapots" } }, attachTo: document.body });
    const form = wrapper.find('[data-testid="reason-form"]');
    await form.find("textarea").setValue("Counterfeits");
    await form.trigger("submit");
    await flushPromises();
    expect(wrapper.emitted("close")).toBeUndefined();
    expect(document.body.querySelector('[role="alert"]')?.textContent).toBe("Something went wrong. Please try again.");
  });

  it("starts with an empty reason each time it opens", async () => {
    const Dialog = dialogWith(async () => {});
    const wrapper = mount(Dialog, { props: { subject: { id: "s1", name: "Teapots" } }, attachTo: document.body });
    await wrapper.find("textarea").setValue("Half written");
    await wrapper.setProps({ subject: null });
    await wrapper.setProps({ subject: { id: "s2", name: "Mugs" } });
    expect((wrapper.find("textarea").element as HTMLTextAreaElement).value).toBe("");
  });
});
