"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Library", matches: (path: string) => path === "/" || path.startsWith("/videos/") },
  { href: "/upload", label: "Upload", matches: (path: string) => path.startsWith("/upload") },
];

/** The site's sections; the one the page belongs to carries aria-current. */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      {LINKS.map((link) => (
        <Link key={link.href} href={link.href} aria-current={link.matches(pathname) ? "page" : undefined}>
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
