import { newId } from "../../lib/ids.ts";
import { PRIOR_MEAN, PRIOR_WEIGHT } from "../../modules/reviews/review-figures.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import {
  HIDDEN_REVIEW_BODY,
  PRODUCT_REVIEW_TARGET,
  RATING_WEIGHTS,
  REVIEW_BODIES,
  REVIEW_TITLES,
  SELLER_REPLIES,
  SHOP_RATING_WEIGHTS,
  SHOP_REVIEW_BODIES,
  SHOP_REVIEW_TARGET,
} from "./data/reviews.ts";
import type { DeliveredLine } from "./orders.ts";
import { time, type Rng } from "./random.ts";
import type { ActivityLog, ProductRec, ShopRec, UserRec } from "./types.ts";

/**
 * Reviews of products (and a few of shops) written only by buyers whose seller order of it was
 * delivered, mostly positive, a couple answered by the seller and one (spam) hidden by the admin.
 * Bea Buyer's latest delivered order is left unreviewed so the demo can review it.
 */
export function buildReviews(
  now: Date,
  rng: Rng,
  delivered: readonly DeliveredLine[],
  shops: readonly ShopRec[],
  user: (key: string) => UserRec,
  log: ActivityLog,
): { reviews: Prisma.ReviewCreateManyInput[]; reports: Prisma.ReviewReportCreateManyInput[] } {
  const bea = user("buyer");
  const admin = user("admin");
  const reserved = delivered
    .filter((l) => l.buyer.id === bea.id)
    .reduce<DeliveredLine | undefined>((a, l) => (!a || l.deliveredAt > a.deliveredAt ? l : a), undefined)?.orderId;
  const open = delivered.filter((l) => l.orderId !== reserved);
  const latest = time.plusMinutes(now, -30);
  const writtenAt = (deliveredAt: Date) => time.min(time.plusHours(deliveredAt, rng.int(8, 140)), latest);
  const draw = (weights: typeof RATING_WEIGHTS) => rng.weighted(weights.map(([r]) => r), weights.map(([, w]) => w));
  const reviews: Prisma.ReviewCreateManyInput[] = [];

  // One review per buyer and product.
  const productLines = rng.sample(uniqueBy(open, (l) => `${l.buyer.id}|${l.product.id}`), PRODUCT_REVIEW_TARGET);
  let spamWritten = false;
  for (const line of productLines) {
    const createdAt = writtenAt(line.deliveredAt);
    const id = newId();
    // One of them is spam that the admin hid: it must not count in the averages.
    const spam: boolean = !spamWritten && createdAt < time.daysAgo(now, 1);
    spamWritten ||= spam;
    const r = spam ? 1 : draw(RATING_WEIGHTS);
    reviews.push({
      id,
      authorId: line.buyer.id,
      shopId: line.shopId,
      productId: line.product.id,
      sellerOrderId: line.sellerOrderId,
      rating: r,
      title: !spam && rng.chance(0.6) ? rng.pick(REVIEW_TITLES[r] ?? []) : null,
      body: spam
        ? HIDDEN_REVIEW_BODY
        : rng.pick(REVIEW_BODIES[r] ?? []).replace(/\{noun\}/g, line.product.noun.toLowerCase()),
      status: spam ? "HIDDEN" : "VISIBLE",
      ...(spam ? { hiddenReason: "Advertising for another website", hiddenAt: time.plusHours(createdAt, 6), reportCount: 2 } : {}),
      createdAt,
      updatedAt: spam ? time.plusHours(createdAt, 6) : createdAt,
    });
    log.add({
      kind: "review.created",
      summary: `${line.buyer.name} rated ${line.product.title} ${r}/5`,
      actorId: line.buyer.id,
      subject: { type: "review", id },
      at: createdAt,
      data: { rating: r, productId: line.product.id },
    });
    if (spam) {
      log.add({
        kind: "review.hidden",
        summary: `${admin.name} hid a review of ${line.product.title}`,
        actorId: admin.id,
        subject: { type: "review", id },
        at: time.plusHours(createdAt, 6),
      });
    }
  }

  // One review per buyer and shop, without a title (as the API takes them).
  const shopName = new Map(shops.map((s) => [s.id, s.name]));
  // Every shop that delivered something gets at least one, then more at random.
  const shopCandidates = rng.shuffle(uniqueBy(open, (l) => `${l.buyer.id}|${l.shopId}`));
  const firstPerShop = uniqueBy(shopCandidates, (l) => l.shopId);
  const shopLines = [...firstPerShop, ...shopCandidates.filter((l) => !firstPerShop.includes(l))].slice(
    0,
    SHOP_REVIEW_TARGET,
  );
  for (const line of shopLines) {
    const r = draw(SHOP_RATING_WEIGHTS);
    const createdAt = writtenAt(line.deliveredAt);
    const id = newId();
    reviews.push({
      id,
      authorId: line.buyer.id,
      shopId: line.shopId,
      productId: null,
      sellerOrderId: line.sellerOrderId,
      rating: r,
      title: null,
      body: rng.pick(SHOP_REVIEW_BODIES[r] ?? []),
      createdAt,
      updatedAt: createdAt,
    });
    log.add({
      kind: "review.created",
      summary: `${line.buyer.name} rated the shop ${shopName.get(line.shopId) ?? ""} ${r}/5`,
      actorId: line.buyer.id,
      subject: { type: "review", id },
      at: createdAt,
      data: { rating: r, shopId: line.shopId },
    });
  }

  // Seller replies, written at least two days ago: to the harshest review, to a glowing one of
  // Sam Seller's shop (so the demo seller sees one) and to one more.
  const samShopId = shops.find((s) => s.ownerId === user("seller").id)?.id;
  const answerable = reviews
    .filter((r) => r.productId && r.status !== "HIDDEN" && (r.createdAt as Date) < time.daysAgo(now, 2))
    .sort((a, b) => a.rating - b.rating);
  const harshest = answerable[0] && answerable[0].rating <= 3 ? [answerable[0]] : [];
  const fiveStars = rng.shuffle(answerable.filter((r) => r.rating === 5));
  const samsOwn = fiveStars.find((r) => r.shopId === samShopId);
  const glowing = [samsOwn, fiveStars.find((r) => r !== samsOwn)].filter((r) => r !== undefined);
  for (const r of [...harshest, ...glowing]) {
    const repliedAt = time.plusHours(r.createdAt as Date, rng.int(3, 30));
    r.reply = rng.pick(r.rating <= 3 ? SELLER_REPLIES.negative : SELLER_REPLIES.positive);
    r.repliedAt = repliedAt;
    r.updatedAt = repliedAt;
  }

  // Two buyers reported the spam before the admin hid it, and one harsh review waits in the queue.
  const reports: Prisma.ReviewReportCreateManyInput[] = [];
  const spamReview = reviews.find((r) => r.status === "HIDDEN");
  const reporters = [user("buyer5"), user("buyer6")];
  if (spamReview) {
    for (const reporter of reporters) {
      if (reporter.id === spamReview.authorId) continue;
      reports.push({ id: newId(), reviewId: spamReview.id!, reporterId: reporter.id, reason: "Spam: it advertises another website", createdAt: time.plusHours(spamReview.createdAt as Date, 2) });
    }
    spamReview.reportCount = reports.length;
  }
  const queued = reviews.find((r) => r.status !== "HIDDEN" && r.rating <= 2 && r.authorId !== reporters[0]!.id);
  if (queued) {
    queued.reportCount = 1;
    reports.push({ id: newId(), reviewId: queued.id!, reporterId: reporters[0]!.id, reason: "Rude and not about the product", createdAt: time.plusHours(queued.createdAt as Date, 5) });
    log.add({
      kind: "review.reported",
      summary: `${reporters[0]!.name} reported a review: Rude and not about the product`,
      actorId: reporters[0]!.id,
      subject: { type: "review", id: queued.id! },
      at: time.plusHours(queued.createdAt as Date, 5),
    });
  }
  return { reviews, reports };
}

/**
 * Sets the rating figures of the products and shops (average, count, sum, count per star and
 * the Bayesian score, as modules/reviews/review-figures.ts keeps them) from their visible
 * reviews; a shop's figures are those of the reviews of the shop itself.
 */
export function applyRatings(
  reviews: readonly Prisma.ReviewCreateManyInput[],
  products: readonly ProductRec[],
  shops: readonly ShopRec[],
): void {
  const counts = new Map<string, number[]>();
  for (const r of reviews) {
    if (r.status === "HIDDEN") continue;
    const key = r.productId ?? `shop:${r.shopId}`;
    const c = counts.get(key) ?? [0, 0, 0, 0, 0];
    c[r.rating - 1]! += 1;
    counts.set(key, c);
  }
  const set = (row: Prisma.ProductCreateManyInput | Prisma.ShopCreateManyInput, key: string) => {
    const c = counts.get(key) ?? [0, 0, 0, 0, 0];
    const count = c.reduce((n, x) => n + x, 0);
    const sum = c.reduce((n, x, i) => n + x * (i + 1), 0);
    Object.assign(row, {
      ratingAvg: count ? sum / count : 0,
      ratingCount: count,
      ratingSum: sum,
      rating1: c[0],
      rating2: c[1],
      rating3: c[2],
      rating4: c[3],
      rating5: c[4],
      ratingScore: (PRIOR_MEAN * PRIOR_WEIGHT + sum) / (PRIOR_WEIGHT + count),
    });
  };
  for (const p of products) set(p.row, p.id);
  for (const s of shops) set(s.row, `shop:${s.id}`);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
