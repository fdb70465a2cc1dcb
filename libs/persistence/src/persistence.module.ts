import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, openDataSource, type PersistenceOptions } from './data-source.factory';

/** TypeORM for a Nest app, with migrations applied before the app starts serving. */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(options),
          dataSourceFactory: async () => openDataSource(options),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
