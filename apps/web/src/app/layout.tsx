import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "./_components/nav-links";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "AQ", template: "%s · AQ" },
  description: "Upload videos, follow their encoding live and play them back with hls.js",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            AQ
          </Link>
          <NavLinks />
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
