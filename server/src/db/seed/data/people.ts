/** The demo accounts: who they are and where their orders are shipped. */

import type { Role } from "@marketplace/shared";

export const DEMO_PASSWORD = "demo-password-1";

/**
 * argon2id of DEMO_PASSWORD with today's parameters (password.ts's ARGON2_OPTIONS), computed once
 * and kept here: a first start does not spend an argon2 hash on a password everyone knows. The
 * demo accounts share it (a fixed salt is no loss for a published password). Its test
 * (demo-password.test.ts) fails when the parameters change: make a new one then.
 */
export const DEMO_PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$C6gC+DFqZQdTaN4V831ESA$sIwX7Rbx1DLBOJscS4FQubrYZYy0SOKqnrJ6SysRS1U";

export interface Address {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface UserSpec {
  /** Short handle the other specs refer to. */
  key: string;
  email: string;
  name: string;
  role: Role;
  /** Days before the seed's "now" the account was created. */
  joinedDaysAgo: number;
  address: Omit<Address, "name">;
}

export const USERS: readonly UserSpec[] = [
  { key: "admin", email: "admin@demo.test", name: "Ada Admin", role: "ADMIN", joinedDaysAgo: 120, address: { line1: "1 Market Street", city: "San Francisco", postalCode: "94105", country: "US" } },
  { key: "seller", email: "seller@demo.test", name: "Sam Seller", role: "SELLER", joinedDaysAgo: 110, address: { line1: "48 Kiln Road", city: "Asheville", postalCode: "28801", country: "US" } },
  { key: "owner2", email: "owner2@demo.test", name: "Priya Raman", role: "SELLER", joinedDaysAgo: 108, address: { line1: "7 Foundry Lane", city: "Pittsburgh", postalCode: "15222", country: "US" } },
  { key: "owner3", email: "owner3@demo.test", name: "Ingrid Olsen", role: "SELLER", joinedDaysAgo: 106, address: { line1: "22 Harbour Street", city: "Bergen", postalCode: "5003", country: "NO" } },
  { key: "owner4", email: "owner4@demo.test", name: "Diego Alvarez", role: "SELLER", joinedDaysAgo: 104, address: { line1: "310 Canyon Drive", city: "Boulder", postalCode: "80302", country: "US" } },
  { key: "owner5", email: "owner5@demo.test", name: "Hannah Whitlock", role: "SELLER", joinedDaysAgo: 102, address: { line1: "5 Quill Court", city: "Edinburgh", postalCode: "EH1 2NG", country: "GB" } },
  { key: "owner6", email: "owner6@demo.test", name: "Felix Moreau", role: "SELLER", joinedDaysAgo: 100, address: { line1: "14 Rue des Lilas", city: "Montpellier", postalCode: "34000", country: "FR" } },
  // Asked to open a shop that an admin has not approved yet: still a buyer.
  { key: "owner7", email: "owner7@demo.test", name: "Oliver Brandt", role: "BUYER", joinedDaysAgo: 70, address: { line1: "9 Eichenweg", city: "Freiburg", postalCode: "79098", country: "DE" } },
  { key: "buyer", email: "buyer@demo.test", name: "Bea Buyer", role: "BUYER", joinedDaysAgo: 95, address: { line1: "12 Orchard Lane", city: "Portland", postalCode: "97205", country: "US" } },
  { key: "buyer2", email: "buyer2@demo.test", name: "Noah Kim", role: "BUYER", joinedDaysAgo: 92, address: { line1: "88 King Street West", city: "Toronto", postalCode: "M5H 1J9", country: "CA" } },
  { key: "buyer3", email: "buyer3@demo.test", name: "Lena Fischer", role: "BUYER", joinedDaysAgo: 90, address: { line1: "Bergmannstraße 31", city: "Berlin", postalCode: "10961", country: "DE" } },
  { key: "buyer4", email: "buyer4@demo.test", name: "Marcus Bell", role: "BUYER", joinedDaysAgo: 88, address: { line1: "401 Magnolia Avenue", city: "Austin", postalCode: "78704", country: "US" } },
  { key: "buyer5", email: "buyer5@demo.test", name: "Sofia Costa", role: "BUYER", joinedDaysAgo: 86, address: { line1: "Keizersgracht 112", city: "Amsterdam", postalCode: "1015 CW", country: "NL" } },
  { key: "buyer6", email: "buyer6@demo.test", name: "Jonas Weber", role: "BUYER", joinedDaysAgo: 84, address: { line1: "27 Elm Row", city: "Manchester", postalCode: "M1 4BT", country: "GB" } },
];
