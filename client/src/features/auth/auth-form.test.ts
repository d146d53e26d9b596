import { loginInput } from "@marketplace/shared";
import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { defineComponent, h, reactive } from "vue";
import { testApi } from "../../test/api-server.ts";
import UiTextField from "../../ui/UiTextField.vue";
import AuthForm from "./AuthForm.vue";
import { useAuthForm } from "./use-auth-form.ts";

/** A sign-in form on the shell, whose `send` the test decides. */
function signInForm(send: (input: { email: string; password: string }) => Promise<void>) {
  const values = reactive({ email: "", password: "" });
  const Page = defineComponent({
    setup() {
      const form = useAuthForm({ labels: { email: "Email", password: "Password" }, schema: loginInput, values, send });
      return () =>
        h(AuthForm, { title: "Sign in", submitLabel: "Sign in", form, testid: "sign-in-form" }, {
          default: () => [
            h(UiTextField, { label: form.labels.email, name: "email", modelValue: values.email, "onUpdate:modelValue": (v: string) => (values.email = v), error: form.fieldErrors.email }),
            h(UiTextField, { label: form.labels.password, name: "password", type: "password", modelValue: values.password, "onUpdate:modelValue": (v: string) => (values.password = v), error: form.fieldErrors.password }),
          ],
          footer: () => "New to Bazaar?",
        });
    },
  });
  const wrapper = mount(Page, { attachTo: document.body });
  return { wrapper, values };
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("the account form shell", () => {
  it("names the fields to fix in its summary, focuses the first, and its links move the focus", async () => {
    const { wrapper } = signInForm(async () => {});
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    const summary = wrapper.find('[data-testid="error-summary"]');
    expect(summary.attributes("role")).toBe("alert");
    expect(summary.text()).toBe("Check these 2 fields: Email, Password.");
    expect(document.activeElement?.getAttribute("name")).toBe("email");
    await summary.findAll("a")[1]!.trigger("click");
    expect(document.activeElement?.getAttribute("name")).toBe("password");
    // Each message also stands beside its field.
    expect(wrapper.text()).toContain("Enter your password");
  });

  it("shows a form-level message from the server in the summary", async () => {
    const { wrapper, values } = signInForm(async () => {
      await testApi.fail.mutate({ kind: "UNAUTHORIZED", message: "Wrong email or password" });
    });
    Object.assign(values, { email: "ada@example.test", password: "not-it" });
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(wrapper.find('[data-testid="form-error"]').text()).toBe("Wrong email or password");
    expect(wrapper.text()).not.toContain("Check this field");
  });

  it("sends once while a submit is under way, showing the button busy", async () => {
    let sends = 0;
    let finish!: () => void;
    const { wrapper, values } = signInForm(() => {
      sends++;
      return new Promise<void>((r) => (finish = r));
    });
    Object.assign(values, { email: "ada@example.test", password: "secret" });
    await wrapper.find("form").trigger("submit");
    await wrapper.find("form").trigger("submit");
    expect(sends).toBe(1);
    expect(wrapper.find('button[type="submit"]').attributes("aria-busy")).toBe("true");
    finish();
    await flushPromises();
    expect(wrapper.find('button[type="submit"]').attributes("aria-busy")).toBeUndefined();
    expect(wrapper.find('[data-testid="error-summary"]').exists()).toBe(false);
  });
});
