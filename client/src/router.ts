import type { Role } from "@marketplace/shared";
import { createRouter, type RouteLocationNormalized, type RouteRecordRaw, type Router, type RouterHistory } from "vue-router";
import { meQuery, queryClient, type Me } from "./lib/query.ts";
import { showToast } from "./ui/toast.ts";
import HomePage from "./pages/HomePage.vue";

declare module "vue-router" {
  interface RouteMeta {
    /** The document title (before " · Bazaar"), or a function of the route for titles that name what is shown. */
    title?: string | ((to: RouteLocationNormalized) => string);
    /** Signed-in only: signed-out visitors go to /sign-in?redirect=…. */
    requiresAuth?: boolean;
    /** Only these roles (implies requiresAuth); others go home. */
    roles?: readonly Role[];
    /**
     * Rendered on the server (a public page, the same for every visitor): its HTML arrives with
     * its data and head tags, and the browser hydrates it. Every other page is client-rendered.
     */
    serverRendered?: boolean;
  }
}

/** "“lamp” · Search": a tab, a bookmark and the history list tell searches apart. */
function searchTitle(to: RouteLocationNormalized): string {
  const q = typeof to.query.q === "string" ? to.query.q.trim() : "";
  return q ? `“${q.slice(0, 80)}” · Search` : "Search";
}

const routes: RouteRecordRaw[] = [
    { path: "/", name: "home", component: HomePage, meta: { title: "Independent shops, one marketplace", serverRendered: true } },
    { path: "/sign-in", name: "sign-in", component: () => import("./pages/SignInPage.vue"), meta: { title: "Sign in" } },
    {
      path: "/sign-in/two-factor",
      name: "sign-in-two-factor",
      component: () => import("./pages/SignInTwoFactorPage.vue"),
      meta: { title: "Two-factor sign-in" },
    },
    {
      path: "/forgot-password",
      name: "forgot-password",
      component: () => import("./pages/ForgotPasswordPage.vue"),
      meta: { title: "Forgot your password?" },
    },
    {
      path: "/reset-password",
      name: "reset-password",
      component: () => import("./pages/ResetPasswordPage.vue"),
      meta: { title: "Choose a new password" },
    },
    {
      path: "/verify-email",
      name: "verify-email",
      component: () => import("./pages/VerifyEmailPage.vue"),
      meta: { title: "Confirm your email" },
    },
    { path: "/sign-up", name: "sign-up", component: () => import("./pages/SignUpPage.vue"), meta: { title: "Create an account" } },
    { path: "/search", name: "search", component: () => import("./pages/SearchPage.vue"), meta: { title: searchTitle, serverRendered: true } },
    {
      path: "/products/:id",
      name: "product",
      component: () => import("./pages/ProductPage.vue"),
      meta: { title: "Product", serverRendered: true },
    },
    { path: "/shops/:slug", name: "shop", component: () => import("./pages/ShopPage.vue"), meta: { title: "Shop", serverRendered: true } },
    { path: "/cart", name: "cart", component: () => import("./pages/CartPage.vue"), meta: { title: "Cart" } },
    {
      path: "/checkout",
      name: "checkout",
      component: () => import("./pages/CheckoutPage.vue"),
      meta: { title: "Checkout", requiresAuth: true },
    },
    {
      path: "/orders",
      name: "orders",
      component: () => import("./pages/OrdersPage.vue"),
      meta: { title: "Your orders", requiresAuth: true },
    },
    {
      path: "/orders/:id",
      name: "order",
      component: () => import("./pages/OrderPage.vue"),
      meta: { title: "Order", requiresAuth: true },
    },
    {
      path: "/account",
      name: "account",
      component: () => import("./pages/AccountPage.vue"),
      meta: { title: "Your account", requiresAuth: true },
    },
    {
      path: "/account/two-factor",
      name: "two-factor-setup",
      component: () => import("./pages/TwoFactorSetupPage.vue"),
      meta: { title: "Two-factor sign-in", requiresAuth: true },
    },
    {
      path: "/seller",
      name: "seller",
      component: () => import("./pages/SellerPage.vue"),
      meta: { title: "My shop", requiresAuth: true },
    },
    {
      path: "/seller/settings",
      name: "seller-settings",
      component: () => import("./pages/SellerPage.vue"),
      meta: { title: "Shop settings", requiresAuth: true },
    },
    {
      path: "/seller/orders",
      name: "seller-orders",
      component: () => import("./pages/SellerOrdersPage.vue"),
      meta: { title: "Orders · My shop", requiresAuth: true },
    },
    {
      path: "/seller/sales",
      name: "seller-sales",
      component: () => import("./pages/SellerSalesPage.vue"),
      meta: { title: "Sales · My shop", requiresAuth: true },
    },
    {
      path: "/seller/payouts",
      name: "seller-payouts",
      component: () => import("./pages/SellerPayoutsPage.vue"),
      meta: { title: "Payouts · My shop", requiresAuth: true },
    },
    {
      path: "/admin/payouts",
      name: "admin-payouts",
      component: () => import("./pages/AdminPayoutsPage.vue"),
      meta: { title: "Payouts · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/seller/reviews",
      name: "seller-reviews",
      component: () => import("./pages/SellerReviewsPage.vue"),
      meta: { title: "Reviews · My shop", requiresAuth: true },
    },
    {
      path: "/seller/team",
      name: "seller-team",
      component: () => import("./pages/SellerTeamPage.vue"),
      meta: { title: "Team · My shop", requiresAuth: true },
    },
    {
      path: "/team/join",
      name: "team-join",
      component: () => import("./pages/JoinTeamPage.vue"),
      meta: { title: "Join a shop's team" },
    },
    {
      path: "/seller/products/new",
      name: "seller-product-new",
      component: () => import("./pages/SellerProductPage.vue"),
      meta: { title: "New product", requiresAuth: true },
    },
    {
      path: "/seller/products/:id",
      name: "seller-product",
      component: () => import("./pages/SellerProductPage.vue"),
      meta: { title: "Edit product", requiresAuth: true },
    },
    {
      path: "/admin/users",
      name: "admin-users",
      component: () => import("./pages/AdminUsersPage.vue"),
      meta: { title: "Users · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/admin/shops",
      name: "admin-shops",
      component: () => import("./pages/AdminShopsPage.vue"),
      meta: { title: "Shops · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/admin/activity",
      name: "admin-activity",
      component: () => import("./pages/AdminActivityPage.vue"),
      meta: { title: "Activity · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/admin/reviews",
      name: "admin-reviews",
      component: () => import("./pages/AdminReviewsPage.vue"),
      meta: { title: "Reviews · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/admin/overview",
      name: "admin-overview",
      component: () => import("./pages/AdminOverviewPage.vue"),
      meta: { title: "Overview · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/admin/mail",
      name: "admin-mail",
      component: () => import("./pages/AdminMailPage.vue"),
      meta: { title: "Email · Admin", roles: ["ADMIN"] },
    },
    {
      path: "/notifications",
      name: "notifications",
      component: () => import("./pages/NotificationsPage.vue"),
      meta: { title: "Notifications", requiresAuth: true },
    },
    {
      path: "/mailbox",
      name: "mailbox",
      component: () => import("./pages/MailboxPage.vue"),
      meta: { title: "Mailbox", requiresAuth: true },
    },
    // The admins' landing page (sign-in sends them to /admin).
    { path: "/admin", redirect: "/admin/overview" },
    {
      path: "/:pathMatch(.*)*",
      name: "not-found",
      component: () => import("./pages/NotFoundPage.vue"),
      meta: { title: "Page not found" },
    },
];

/**
 * The app's router on a history: the browser's (main.ts), or a request's in memory on the server
 * (entry-server.ts), where the guard lets public pages through without asking who is signed in.
 */
export function createAppRouter(history: RouterHistory): Router {
  const router = createRouter({
    history,
    routes,
    // A link to a section (/account#my-reviews) scrolls to it once the page has drawn it.
    scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash, top: 80 } : { top: 0 }),
  });
  router.beforeEach(guard);
  return router;
}

/** The document title of a route, before the page names what it shows ("Product" → the product's title). */
export function routeTitle(to: RouteLocationNormalized): string {
  return (typeof to.meta.title === "function" ? to.meta.title(to) : to.meta.title) ?? "";
}

/** The cached user (fetched once if not yet known); a failed fetch counts as signed out. */
async function currentUser(): Promise<Me | null> {
  try {
    return await queryClient.ensureQueryData(meQuery);
  } catch {
    return null;
  }
}

/** Pages an admin held at the two-factor set-up may still open. */
const SETUP_ALLOWED = new Set(["two-factor-setup", "sign-in", "sign-in-two-factor", "forgot-password", "reset-password", "verify-email"]);

async function guard(to: RouteLocationNormalized) {
  // An admin who must use two-factor and has not turned it on reaches its set-up and nothing else
  // (the server refuses the rest anyway: this spares them pages of errors).
  // Public pages do not wait for `me` to be fetched; signed-in ones do.
  const held = (user: Me | null | undefined) => !!user?.twoFactorSetupRequired && !SETUP_ALLOWED.has(String(to.name));
  if (held(queryClient.getQueryData<Me | null>(meQuery.queryKey))) return { name: "two-factor-setup" };
  if (!to.meta.requiresAuth && !to.meta.roles) return true;
  const me = await currentUser();
  if (held(me)) return { name: "two-factor-setup" };
  if (!me) return { path: "/sign-in", query: { redirect: to.fullPath } };
  if (to.meta.roles && !to.meta.roles.includes(me.role)) {
    showToast("That page is only for admins.", "error");
    return { path: "/" };
  }
  return true;
}
