package io.keyward.kafka;

/**
 * One API key of the replica, as keyward's replica endpoint sends it (DESIGN §8): the SHA-256 of its
 * secret, its status and expiry, and its owner's id, kind and status.
 *
 * @param id             the 16-character key id (the SASL/PLAIN username)
 * @param secretSha256   the 32-byte SHA-256 of the secret
 * @param active         the key's status is {@code ACTIVE}
 * @param ownerId        {@code sa-…} or {@code u-…}
 * @param ownerKind      {@code service-account} or {@code user}
 * @param ownerActive    the owner's status is {@code ACTIVE}
 * @param expiresAtMs    epoch milliseconds of {@code expires_at}, or {@link Long#MAX_VALUE} when the key never expires
 * @param principal      {@code User:<ownerId>}, built once
 */
public record KeyEntry(
    String id,
    byte[] secretSha256,
    boolean active,
    String ownerId,
    String ownerKind,
    boolean ownerActive,
    long expiresAtMs,
    String principal) {

  public KeyEntry(String id, byte[] secretSha256, boolean active, String ownerId, String ownerKind, boolean ownerActive, long expiresAtMs) {
    this(id, secretSha256, active, ownerId, ownerKind, ownerActive, expiresAtMs, "User:" + ownerId);
  }
}
