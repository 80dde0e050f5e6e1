"""Virtual interfaces (WorkingWithVirtualInterfaces.md): private, public, transit and
hosted VIFs, their BGP peers, lifecycle, routes and router configurations."""
